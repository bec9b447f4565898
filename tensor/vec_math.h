// Elementwise math written so that loops over it vectorise: e^x for f32
// without a libm call (glibc's vector expf is only used under -ffast-math).
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

// e^x in T's precision: the vectorisable kernel for f32, libm for f64.
template <class T>
inline T exp_t(T x) {
  if constexpr (std::is_same_v<T, float>)
    return exp_f32(x);
  else
    return std::exp(x);
}

}  // namespace nabla::detail
