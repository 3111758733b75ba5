// IEEE 754 half precision (binary16: 1 sign bit, 5 exponent bits with bias 15, 10 fraction bits),
// stored as uint16_t, for compact model files. Written out by hand because C++17 has no half type
// and neither g++ nor Emscripten 3.1.6 give a portable one; both directions are exact bit
// manipulations, so native and WASM builds agree bit for bit.
//
// float -> half rounds to nearest, ties to even, as IEEE 754 requires: values beyond the largest
// half (65504) become infinity, values below the smallest subnormal (2^-24) round to zero, and NaN
// stays NaN. half -> float is exact (every half is a float).
#pragma once
#include <cstdint>
#include <cstring>

namespace cofi {
namespace kernels {

inline uint16_t float_to_half(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u)  // infinity or NaN (a NaN keeps a non-zero fraction bit)
    return static_cast<uint16_t>(sign | 0x7C00u | (magnitude > 0x7F800000u ? 0x0200u : 0u));
  if (magnitude >= 0x477FF000u)  // rounds to 65520 or more: beyond the largest finite half
    return static_cast<uint16_t>(sign | 0x7C00u);
  if (magnitude < 0x38800000u) {  // below 2^-14: a subnormal half (or zero)
    if (magnitude < 0x33000000u) return sign;  // below half the smallest subnormal (2^-25): zero
    // The float's significand with its implicit bit, shifted to units of 2^-24 with the shifted-out
    // bits kept for rounding.
    const uint32_t exponent = magnitude >> 23;  // 102 .. 112
    const uint32_t significand = (magnitude & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126 - exponent;  // 14 .. 24
    uint32_t half = significand >> shift;
    const uint32_t rest = significand & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  // Normal: rebias the exponent (127 -> 15) and round the 23-bit fraction to 10 bits. A carry out of
  // the fraction correctly bumps the exponent (and 65504's neighbourhood was handled above).
  uint32_t half = (magnitude - 0x38000000u) >> 13;
  const uint32_t rest = magnitude & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
}

inline float half_to_float(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t fraction = half & 0x3FFu;
  uint32_t bits;
  if (exponent == 0x1Fu) {
    bits = sign | 0x7F800000u | (fraction << 13);  // infinity or NaN
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112u) << 23) | (fraction << 13);
  } else if (fraction == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal: value = fraction * 2^-24. Shift the leading 1 up to bit 10 (the implicit bit);
    // each shift lowers the float exponent from 2^-14's (biased 113) by one.
    uint32_t e = 113;
    while (!(fraction & 0x400u)) {
      fraction <<= 1;
      --e;
    }
    bits = sign | (e << 23) | ((fraction & 0x3FFu) << 13);
  }
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

}  // namespace kernels
}  // namespace cofi
