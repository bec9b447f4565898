// i64 arithmetic that wraps modulo 2^64, as PyTorch's does. Signed overflow is
// undefined behaviour in C++, so integers go through uint64_t; floating types
// use the plain operators.
#pragma once

#include <cstdint>
#include <type_traits>

namespace nabla::detail {

template <class T>
T wrapping_add(T x, T y) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(y));
  else
    return x + y;
}

template <class T>
T wrapping_sub(T x, T y) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y));
  else
    return x - y;
}

template <class T>
T wrapping_mul(T x, T y) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<std::uint64_t>(x) * static_cast<std::uint64_t>(y));
  else
    return x * y;
}

template <class T>
T wrapping_neg(T x) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(std::uint64_t{0} - static_cast<std::uint64_t>(x));
  else
    return -x;
}

}  // namespace nabla::detail
