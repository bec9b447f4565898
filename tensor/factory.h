// Tensor factories: constant fills, ranges, identity, and tensors from C++
// values (std::vector or nested braces for small literals in tests and docs).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tensor/tensor.h"

namespace nabla {

Tensor zeros(const Shape& shape, DType dtype = DType::f32);
Tensor ones(const Shape& shape, DType dtype = DType::f32);
Tensor full(const Shape& shape, double value, DType dtype = DType::f32);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, double value);
Tensor empty_like(const Tensor& t);

/// A rank-0 tensor holding `value`.
Tensor scalar_tensor(double value, DType dtype = DType::f32);

/// Values start, start+step, ... up to but excluding end. Throws for step == 0
/// or a step pointing away from end.
Tensor arange(double start, double end, double step = 1.0, DType dtype = DType::f32);
/// 0, 1, ..., end-1.
Tensor arange(double end, DType dtype = DType::f32);

/// `steps` evenly spaced values from start to end inclusive.
Tensor linspace(double start, double end, std::int64_t steps, DType dtype = DType::f32);

/// The n x m identity matrix (m = n when omitted).
Tensor eye(std::int64_t n, std::int64_t m = -1, DType dtype = DType::f32);

/// A tensor of `shape` holding `values` (row-major); dtype follows T (float,
/// double or int64_t). Throws when the counts differ.
template <class T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape);
/// A 1-D tensor holding `values`.
template <class T>
Tensor from_vector(const std::vector<T>& values) {
  return from_vector(values, Shape{static_cast<std::int64_t>(values.size())});
}

/// Literal tensors: tensor({1, 2, 3}), tensor({{1, 2}, {3, 4}}), up to rank 4.
/// Throws when rows have different lengths.
using List1 = std::initializer_list<double>;
using List2 = std::initializer_list<List1>;
using List3 = std::initializer_list<List2>;
using List4 = std::initializer_list<List3>;
Tensor tensor(List1 values, DType dtype = DType::f32);
Tensor tensor(List2 values, DType dtype = DType::f32);
Tensor tensor(List3 values, DType dtype = DType::f32);
Tensor tensor(List4 values, DType dtype = DType::f32);

}  // namespace nabla
