// Tensors as short text, the way the explain trace and graph pictures show
// them: the values of small tensors ("0.7071", "[0.5, -1]", "[[1, 2], [3, 4]]"),
// a summary of large ones ("{mean 0.01, min -0.3, max 0.4}").
#pragma once

#include <cstdint>
#include <string>

#include "tensor/tensor.h"

namespace nabla::autograd {

/// How tensors are written.
struct ValueFormat {
  /// Tensors with at most this many elements are written in full; larger ones
  /// as a summary.
  std::int64_t values_up_to = 8;
  /// Significant digits of each number.
  int precision = 4;
};

/// A number with `precision` significant digits ("0.7071", "-3", "1e-05");
/// -0 is written as 0.
std::string format_number(double value, int precision);

/// `t` as text: its values nested by dimension when it has at most
/// format.values_up_to elements (a rank-0 tensor as a bare number), otherwise
/// "{mean m, min a, max b}" ("{empty}" for no elements). Integer tensors are
/// written as integers. An undefined tensor gives "undefined".
std::string format_tensor(const Tensor& t, const ValueFormat& format = {});

/// True when format_tensor writes t's values rather than a summary.
bool writes_values(const Tensor& t, const ValueFormat& format);

}  // namespace nabla::autograd
