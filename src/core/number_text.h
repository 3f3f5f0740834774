// Decimal text of doubles, written and read the way JavaScript does it: the
// option messages quote values as String(v) would, and saved sampler states
// carry their doubles as JSON numbers.
//
// Two definitions, one contract. number_text.cpp uses the C library (native
// builds, the wasm doctest suite); the wasm module the package ships links
// src/bindings/bind_number_text.cpp instead, which asks the JavaScript engine,
// because the C library's printf and strtod (with the 128-bit long double
// arithmetic they pull in) cost about 10 KB of the gzip download budget.
#pragma once
#include <cstddef>
#include <cstring>
#include <string>

namespace lk {

// v as JavaScript's String(v) writes it: the shortest digits that read back
// the same (the nearest such when several have that length), "NaN",
// "Infinity", "-Infinity", exponent form below 1e-6 and from 1e21 up
// (1e-7, 1.5e+21), and "0" for both zeros.
std::string number_text(double v);

// The double nearest the decimal text s[0, n) (correctly rounded; overflow
// gives ±Infinity). The text is a sign, digits, a point and an exponent in
// any arrangement strtod accepts from those characters; false when it is not
// a number or n == 0.
bool parse_number(const char* s, size_t n, double* v);

// What both definitions of parse_number accept to convert: 1 to 63 of the
// characters 0-9 + - . e E (and no NUL). The C library and Number() differ
// beyond them (spaces, "0x…", "Infinity"); within them they agree.
inline bool number_chars(const char* s, size_t n) {
  if (n == 0 || n >= 64) return false;
  for (size_t i = 0; i < n; ++i)
    if (!s[i] || !std::strchr("0123456789+-.eE", s[i])) return false;
  return true;
}

}  // namespace lk
