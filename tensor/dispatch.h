// Turns a runtime DType into a compile-time element type for kernels:
//   dispatch(t.dtype(), [&]<class T>() { ... T* p = t.data<T>(); ... });
#pragma once

#include <cstdint>
#include <string_view>

#include "tensor/dtype.h"
#include "tensor/error.h"

namespace nabla {

/// Calls `f.template operator()<T>()` with T = float, double or int64_t.
template <class F>
decltype(auto) dispatch(DType dtype, F&& f) {
  switch (dtype) {
    case DType::f64:
      return f.template operator()<double>();
    case DType::i64:
      return f.template operator()<std::int64_t>();
    case DType::f32:
      break;
  }
  return f.template operator()<float>();
}

/// Like dispatch() for floating kernels; throws "op: expected a floating dtype, got i64".
template <class F>
decltype(auto) dispatch_floating(DType dtype, std::string_view op, F&& f) {
  NABLA_CHECK(is_floating(dtype), op, "expected a floating dtype (f32 or f64), got ", dtype);
  if (dtype == DType::f64) return f.template operator()<double>();
  return f.template operator()<float>();
}

}  // namespace nabla
