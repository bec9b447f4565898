// Elementwise math written so that loops over it vectorise: e^x and tanh for
// f32 without a libm call (glibc's vector expf is only used under -ffast-math).
// Shared by the elementwise kernels and the softmax/logsumexp reductions.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace nabla::detail {

// e^x in f32 without a libm call, so that loops over it vectorise (glibc's
// vector expf is only used under -ffast-math). Cephes' expf: x = n ln2 + r
// with |r| <= ln2/2, a degree-7 polynomial for e^r, and 2^n applied as two
// exact power-of-two factors so that results in the subnormal range round
// once. Error about 1 ulp; overflow gives inf, underflow 0, NaN stays NaN.
[[gnu::always_inline]] inline float exp_f32(float x) {
  // Beyond these, e^x rounds to inf or 0; clamping keeps n in int range.
  float xc = x < -104.0f ? -104.0f : (x > 89.0f ? 89.0f : x);
  xc = x != x ? 0.0f : xc;
  // round(x / ln2) by the 1.5 * 2^23 trick: std::floor/nearbyint would block
  // vectorisation without -fno-trapping-math. Exact for |x / ln2| < 2^22.
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  // ln2 split in two so that n * kLn2Hi is exact.
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const std::int32_t k = static_cast<std::int32_t>(n);
  const std::int32_t k1 = k / 2;
  const float s1 = std::bit_cast<float>((k1 + 127) << 23);
  const float s2 = std::bit_cast<float>((k - k1 + 127) << 23);
  const float res = y * s1 * s2;
  return x != x ? x : res;
}

// tanh(x) in f32 without a libm call (glibc's tanhf calls expm1f: ~20 ns an
// element, most of a one-element tanh). Cephes' tanhf: for |x| < 0.625 the odd
// polynomial x + x^3 P(x^2); beyond, 1 - 2 / (e^{2|x|} + 1) with the sign of
// x, where the subtraction loses no digits. Both are computed and one chosen,
// so that the loop has no branch. Error about 2 ulp; +-1 from |x| = 9 on; NaN
// stays NaN.
[[gnu::always_inline]] inline float tanh_f32(float x) {
  const float a = x < 0.0f ? -x : x;
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float e = exp_f32(a + a);
  const float big_abs = 1.0f - 2.0f / (e + 1.0f);
  const float big = x < 0.0f ? -big_abs : big_abs;
  return a < 0.625f ? small : big;
}

// e^x in T's precision: the vectorisable kernel for f32, libm for f64.
template <class T>
inline T exp_t(T x) {
  if constexpr (std::is_same_v<T, float>)
    return exp_f32(x);
  else
    return std::exp(x);
}

// tanh(x) in T's precision: the vectorisable kernel for f32, libm for f64.
template <class T>
inline T tanh_t(T x) {
  if constexpr (std::is_same_v<T, float>)
    return tanh_f32(x);
  else
    return std::tanh(x);
}

}  // namespace nabla::detail
