// number_text.h, the C library's definitions (native builds and the wasm
// doctest suite): the text is what JavaScript's String(v) writes, checked
// against 430 values written by V8 (number_text_cases.h), and the text
// reads back the same bits. The shipped wasm module asks the JavaScript
// engine itself (src/bindings/bind_number_text.cpp); tests/js/sampler.test.mjs
// checks the messages it words.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "number_text.h"
#include "number_text_cases.h"

namespace {
double from_bits(uint64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}
uint64_t to_bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
bool parse(const char* s, double* v) { return lk::parse_number(s, std::strlen(s), v); }
}  // namespace

TEST_CASE("number_text writes what JavaScript's String(v) writes, and parse_number reads the same bits back") {
  for (const lk_test::NumberTextCase& c : lk_test::kNumberTextCases) {
    const double v = from_bits(c.bits);
    CAPTURE(c.text);
    CHECK(lk::number_text(v) == c.text);
    double back = 0;
    REQUIRE(parse(c.text, &back));
    // -0 is written "0", as String(-0) is.
    CHECK(to_bits(back) == (v == 0 ? 0 : c.bits));
  }
  CHECK(lk::number_text(NAN) == "NaN");
  CHECK(lk::number_text(INFINITY) == "Infinity");
  CHECK(lk::number_text(-INFINITY) == "-Infinity");
}

TEST_CASE("parse_number takes a sign, digits, a point and an exponent, and nothing else") {
  double v = 0;
  CHECK((parse("1e400", &v) && v == INFINITY));
  CHECK((parse("-1e400", &v) && v == -INFINITY));
  CHECK((parse("2.4e-324", &v) && v == 0));  // below half the least subnormal (2.47e-324)
  CHECK((parse("2.5e-324", &v) && v == 5e-324));
  CHECK((parse("-0", &v) && v == 0 && std::signbit(v)));
  CHECK((parse("5.", &v) && v == 5));
  CHECK((parse(".5", &v) && v == 0.5));
  for (const char* bad : {"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "--1", "1-", "Infinity", "NaN", "0x10", " 1",
                          "1 ", "1,5"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse(bad, &v));
  }
  CHECK_FALSE(lk::parse_number("12", 0, &v));
  CHECK_FALSE(lk::parse_number("1\0" "2", 3, &v));
}
