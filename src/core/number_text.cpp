// The C library's definitions of number_text.h; the shipped wasm module
// links src/bindings/bind_number_text.cpp instead (the header says why).
#include "number_text.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lk {

std::string number_text(double v) {
  if (v != v) return "NaN";
  if (v == __builtin_inf() || v == -__builtin_inf()) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  // The fewest significant digits that read back the same. printf's %.*e
  // rounds correctly, so at that length it gives the nearest such digits, as
  // JavaScript picks them.
  char e[40], out[64];
  int digits = 1;
  for (; digits < 17; ++digits) {
    std::snprintf(e, sizeof(e), "%.*e", digits - 1, v);
    if (std::strtod(e, nullptr) == v) break;
  }
  std::snprintf(e, sizeof(e), "%.*e", digits - 1, v);
  char m[20];
  int k = 0;
  const char* p = e + (v < 0);
  for (; *p != 'e'; ++p)
    if (*p != '.') m[k++] = *p;
  const int x = std::atoi(p + 1);  // v = ±m[0].m[1]… × 10^x
  char* o = out;
  if (v < 0) *o++ = '-';
  if (x >= 21 || x < -6) {  // JavaScript's exponent form: 1e+21, 1.5e-7
    *o++ = m[0];
    if (k > 1) *o++ = '.';
    for (int i = 1; i < k; ++i) *o++ = m[i];
    std::snprintf(o, 16, "e%c%d", x > 0 ? '+' : '-', x > 0 ? x : -x);
    return out;
  }
  if (x >= 0) {
    for (int i = 0; i <= x || i < k; ++i) {
      if (i == x + 1) *o++ = '.';
      *o++ = i < k ? m[i] : '0';
    }
  } else {
    *o++ = '0';
    *o++ = '.';
    for (int i = 0; i < -x - 1; ++i) *o++ = '0';
    for (int i = 0; i < k; ++i) *o++ = m[i];
  }
  *o = 0;
  return out;
}

bool parse_number(const char* s, size_t n, double* v) {
  if (!number_chars(s, n)) return false;
  char buf[64];
  std::memcpy(buf, s, n);
  buf[n] = 0;
  char* stop;
  *v = std::strtod(buf, &stop);
  return stop == buf + n;
}

}  // namespace lk
