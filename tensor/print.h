// Printing tensors readably, NumPy-style: aligned columns, the middle of large
// dimensions elided with "...", and the shape and dtype at the end.
#pragma once

#include <iosfwd>
#include <string>

#include "tensor/tensor.h"

namespace nabla {

/// Prints e.g. "tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], shape=[2, 2], dtype=f32)".
std::ostream& operator<<(std::ostream& out, const Tensor& t);

/// The text operator<< prints.
std::string to_string(const Tensor& t);

}  // namespace nabla
