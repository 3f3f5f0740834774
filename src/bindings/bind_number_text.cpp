// number_text.h for the wasm module the package ships: the JavaScript engine
// writes and reads the decimal text (String(v) and Number(text) are exactly
// the contract), so the module carries no printf or strtod. The C library's
// definitions (src/core/number_text.cpp) serve native builds and the wasm
// doctest suite; CMakeLists.txt leaves them out of this module.
#include <emscripten.h>

#include <cstring>

#include "number_text.h"

// String(v) is ASCII and at most 25 characters long ("-2.2250738585072014e-308").
EM_JS(int, lk_js_number_text, (double v, char* out), {
  const s = String(v);
  for (let i = 0; i < s.length; ++i) HEAPU8[out + i] = s.charCodeAt(i);
  return s.length;
});

// NaN when the text is not a number.
EM_JS(double, lk_js_parse_number, (const char* s, int n), {
  let t = "";
  for (let i = 0; i < n; ++i) t += String.fromCharCode(HEAPU8[s + i]);
  return Number(t);
});

namespace lk {

std::string number_text(double v) {
  char out[32];
  return std::string(out, size_t(lk_js_number_text(v, out)));
}

bool parse_number(const char* s, size_t n, double* v) {
  // The characters strtod would be offered (number_text.cpp); Number() also
  // reads "", spaces, "0x…" and "Infinity", which are not offered here.
  if (n == 0 || n >= 64) return false;
  for (size_t i = 0; i < n; ++i)
    if (!s[i] || !std::strchr("0123456789+-.eE", s[i])) return false;
  const double x = lk_js_parse_number(s, int(n));
  if (x != x) return false;
  *v = x;
  return true;
}

}  // namespace lk
