// number_text.h for the wasm module the package ships: the JavaScript engine
// writes and reads the decimal text (String(v) and Number(text) are exactly
// the contract), so the module carries no printf or strtod. The C library's
// definitions (src/core/number_text.cpp) serve native builds and the wasm
// doctest suite; CMakeLists.txt leaves them out of this module.
#include <emscripten.h>

#include <cstdint>
#include <cstring>

#include "number_text.h"

// Doubles cross as their bits (two i32 words, or 8 bytes of memory), not as
// f64 values: the module imports no function that passes a float
// (scripts/check-wasm.mjs refuses those, as the way math could leak in from JS).
// String(v) is ASCII and at most 25 characters long ("-2.2250738585072014e-308").
EM_JS(int, lk_js_number_text, (uint32_t lo, uint32_t hi, char* out), {
  const b = new DataView(new ArrayBuffer(8));
  b.setUint32(0, lo, true);
  b.setUint32(4, hi, true);
  const s = String(b.getFloat64(0, true));
  for (let i = 0; i < s.length; ++i) HEAPU8[out + i] = s.charCodeAt(i);
  return s.length;
});

// Number(text) into *out; 0 when the text is not a number.
EM_JS(int, lk_js_parse_number, (const char* s, int n, double* out), {
  let t = "";
  for (let i = 0; i < n; ++i) t += String.fromCharCode(HEAPU8[s + i]);
  const v = Number(t);
  if (v !== v) return 0;
  HEAPF64[out >> 3] = v;
  return 1;
});

namespace lk {

std::string number_text(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  char out[32];
  return std::string(out, size_t(lk_js_number_text(uint32_t(bits), uint32_t(bits >> 32), out)));
}

bool parse_number(const char* s, size_t n, double* v) {
  if (!number_chars(s, n)) return false;
  double x;
  if (!lk_js_parse_number(s, int(n), &x)) return false;
  *v = x;
  return true;
}

}  // namespace lk
