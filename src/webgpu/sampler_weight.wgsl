// The sampler's weight w = exp((z − max)/T) on a GPU, bit for bit the wasm
// kernel's (src/core/kernels/sampler_weight.inc; contract in docs/sampler.md).
//
// Every float operation of that formula is computed here with 32-bit integer
// arithmetic: IEEE binary32 add and multiply rounding to nearest even, built
// from u32 adds, shifts, 16-bit-limb products and countLeadingZeros (a
// transliteration of tests/cpp/sampling/softfloat32.h, after Berkeley
// SoftFloat). WGSL defines integer arithmetic exactly, while it lets an
// inexact float +, − or × round to either neighbour, fuse a·b + c and flush
// subnormals; so no f32 operation appears below, and the weights are the same
// on every conformant implementation. Floats travel as their bits (u32).
//
// Bindings: params = [neg_m, kt, c0, c1, c2, inv_t, one, lo, n, then the 128
// table entries 2^(k/128)] (kernels.h WeightParams, float bits, n a count);
// z and w the logits and weights as float bits.
// Checked against the native kernel's output by tests/webgpu/weights.test.mjs.

@group(0) @binding(0) var<storage, read> params: array<u32>;
@group(0) @binding(1) var<storage, read> z: array<u32>;
@group(0) @binding(2) var<storage, read_write> w: array<u32>;

const QNAN: u32 = 0x7fc00000u;

fn shift_right_jam(a: u32, dist: u32) -> u32 {
  if (dist == 0u) { return a; }
  if (dist < 31u) { return (a >> dist) | select(0u, 1u, (a << (32u - dist)) != 0u); }
  return select(0u, 1u, a != 0u);
}

fn pack(sign: u32, e: i32, sig: u32) -> u32 { return (sign << 31u) + (u32(e) << 23u) + sig; }

// sig: implicit bit at 30, 7 round bits; e: the biased exponent − 1.
fn round_pack(sign: u32, e_in: i32, sig_in: u32) -> u32 {
  var e = e_in;
  var sig = sig_in;
  var round_bits = sig & 0x7fu;
  if (u32(e) >= 0xfdu) {
    if (e < 0) {
      sig = shift_right_jam(sig, u32(-e));
      e = 0;
      round_bits = sig & 0x7fu;
    } else if (e > 0xfd || sig + 0x40u >= 0x80000000u) {
      return pack(sign, 0xff, 0u);
    }
  }
  sig = (sig + 0x40u) >> 7u;
  if (round_bits == 0x40u) { sig = sig & ~1u; }  // a tie: to even
  if (sig == 0u) { e = 0; }
  return pack(sign, e, sig);
}

fn norm_round_pack(sign: u32, e: i32, sig: u32) -> u32 {
  let shift = countLeadingZeros(sig) - 1u;
  let e2 = e - i32(shift);
  if (shift >= 7u && u32(e2) < 0xfdu) { return pack(sign, select(0, e2, sig != 0u), sig << (shift - 7u)); }
  return round_pack(sign, e2, sig << shift);
}

fn add_mags(a: u32, b: u32) -> u32 {
  let exp_a = i32((a >> 23u) & 0xffu);
  let exp_b = i32((b >> 23u) & 0xffu);
  var sig_a = a & 0x7fffffu;
  var sig_b = b & 0x7fffffu;
  let sign = a >> 31u;
  let diff = exp_a - exp_b;
  var e: i32;
  var sig: u32;
  if (diff == 0) {
    if (exp_a == 0) { return a + sig_b; }
    if (exp_a == 0xff) { return select(a, QNAN, (sig_a | sig_b) != 0u); }
    e = exp_a;
    sig = 0x01000000u + sig_a + sig_b;
    if ((sig & 1u) == 0u && e < 0xfe) { return pack(sign, e, sig >> 1u); }
    sig = sig << 6u;
  } else {
    sig_a = sig_a << 6u;
    sig_b = sig_b << 6u;
    if (diff < 0) {
      if (exp_b == 0xff) { return select(pack(sign, 0xff, 0u), QNAN, sig_b != 0u); }
      e = exp_b;
      sig_a = sig_a + select(sig_a, 0x20000000u, exp_a != 0);
      sig_a = shift_right_jam(sig_a, u32(-diff));
    } else {
      if (exp_a == 0xff) { return select(a, QNAN, sig_a != 0u); }
      e = exp_a;
      sig_b = sig_b + select(sig_b, 0x20000000u, exp_b != 0);
      sig_b = shift_right_jam(sig_b, u32(diff));
    }
    sig = 0x20000000u + sig_a + sig_b;
    if (sig < 0x40000000u) {
      e = e - 1;
      sig = sig << 1u;
    }
  }
  return round_pack(sign, e, sig);
}

fn sub_mags(a: u32, b: u32) -> u32 {
  var exp_a = i32((a >> 23u) & 0xffu);
  let exp_b = i32((b >> 23u) & 0xffu);
  var sig_a = a & 0x7fffffu;
  var sig_b = b & 0x7fffffu;
  var sign = a >> 31u;
  var diff = exp_a - exp_b;
  if (diff == 0) {
    if (exp_a == 0xff) { return QNAN; }
    var sig_diff = i32(sig_a) - i32(sig_b);
    if (sig_diff == 0) { return 0u; }
    if (exp_a != 0) { exp_a = exp_a - 1; }
    if (sig_diff < 0) {
      sign = sign ^ 1u;
      sig_diff = -sig_diff;
    }
    var shift = countLeadingZeros(u32(sig_diff)) - 8u;
    var e = exp_a - i32(shift);
    if (e < 0) {
      shift = u32(exp_a);
      e = 0;
    }
    return pack(sign, e, u32(sig_diff) << shift);
  }
  sig_a = sig_a << 7u;
  sig_b = sig_b << 7u;
  var e: i32;
  var sig_x: u32;
  var sig_y: u32;
  if (diff < 0) {
    sign = sign ^ 1u;
    if (exp_b == 0xff) { return select(pack(sign, 0xff, 0u), QNAN, sig_b != 0u); }
    e = exp_b - 1;
    sig_x = sig_b | 0x40000000u;
    sig_y = sig_a + select(sig_a, 0x40000000u, exp_a != 0);
    diff = -diff;
  } else {
    if (exp_a == 0xff) { return select(a, QNAN, sig_a != 0u); }
    e = exp_a - 1;
    sig_x = sig_a | 0x40000000u;
    sig_y = sig_b + select(sig_b, 0x40000000u, exp_b != 0);
  }
  return norm_round_pack(sign, e, sig_x - shift_right_jam(sig_y, u32(diff)));
}

fn f_add(a: u32, b: u32) -> u32 {
  if (((a ^ b) >> 31u) == 0u) { return add_mags(a, b); }
  return sub_mags(a, b);
}

fn f_sub(a: u32, b: u32) -> u32 { return f_add(a, b ^ 0x80000000u); }

fn f_mul(a: u32, b: u32) -> u32 {
  let sign = (a ^ b) >> 31u;
  var exp_a = i32((a >> 23u) & 0xffu);
  var exp_b = i32((b >> 23u) & 0xffu);
  var sig_a = a & 0x7fffffu;
  var sig_b = b & 0x7fffffu;
  let zero_a = exp_a == 0 && sig_a == 0u;
  let zero_b = exp_b == 0 && sig_b == 0u;
  if (exp_a == 0xff || exp_b == 0xff) {
    if ((exp_a == 0xff && sig_a != 0u) || (exp_b == 0xff && sig_b != 0u)) { return QNAN; }
    if (zero_a || zero_b) { return QNAN; }
    return pack(sign, 0xff, 0u);
  }
  if (zero_a || zero_b) { return sign << 31u; }
  if (exp_a == 0) {
    let shift = countLeadingZeros(sig_a) - 8u;
    sig_a = sig_a << shift;
    exp_a = 1 - i32(shift);
  }
  if (exp_b == 0) {
    let shift = countLeadingZeros(sig_b) - 8u;
    sig_b = sig_b << shift;
    exp_b = 1 - i32(shift);
  }
  var e = exp_a + exp_b - 0x7f;
  sig_a = (sig_a | 0x00800000u) << 7u;
  sig_b = (sig_b | 0x00800000u) << 8u;
  // The 64-bit product from 16-bit halves: high word, and whether the low one is 0.
  let a0 = sig_a & 0xffffu;
  let a1 = sig_a >> 16u;
  let b0 = sig_b & 0xffffu;
  let b1 = sig_b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let lo = (mid << 16u) | (p00 & 0xffffu);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  var sig = hi | select(0u, 1u, lo != 0u);
  if (sig < 0x40000000u) {
    e = e - 1;
    sig = sig << 1u;
  }
  return round_pack(sign, e, sig);
}

// a < b as IEEE compares them.
fn f_less(a: u32, b: u32) -> bool {
  if ((a & 0x7fffffffu) > 0x7f800000u || (b & 0x7fffffffu) > 0x7f800000u) { return false; }
  let neg_a = (a >> 31u) != 0u;
  let neg_b = (b >> 31u) != 0u;
  if (neg_a != neg_b) { return neg_a && ((a | b) & 0x7fffffffu) != 0u; }
  return select((a < b), (a > b), neg_a);
}

// The formula of sampler_weight.inc, step for step (see its comments).
fn sampler_weight(x: u32) -> u32 {
  let neg_m = params[0];
  let kt = params[1];
  let inv_t = params[5];
  let one = params[6];
  let lo = params[7];
  let magic = 0x4b400000u;  // 1.5·2^23
  let s0 = f_add(x, neg_m);
  let dead = f_less(s0, lo);
  let s1 = select(lo, s0, f_less(lo, s0));  // vmax(s0, lo): s0 > lo ? s0 : lo
  let s = select(one, s1, f_less(s1, one));  // vmin(s1, one): s1 < one ? s1 : one
  let jm = f_add(f_mul(s, kt) & ~1u, magic);
  let j = jm - magic;  // an i32 in two's complement
  let jf = f_sub(jm, magic);
  var d = f_add(f_mul(jf, params[2]), s);
  d = f_add(f_mul(jf, params[3]), d);
  d = f_add(f_mul(jf, params[4]), d);
  let db = f_mul(d, inv_t) & ~1u;
  let hi = db & 0xfffff000u;
  let p = f_add(0x3f800000u, f_add(f_mul(f_mul(hi, hi), 0x3f000000u), db));
  let wj = f_mul(params[9u + (j & 127u)], p) + (u32(i32(j) >> 7u) << 23u);
  return select(wj, 0u, dead);
}

@compute @workgroup_size(64)
fn weights_main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = id.x + id.y * groups.x * 64u;
  if (i < params[8]) { w[i] = sampler_weight(z[i]); }
}
