// gradcheck: compares the gradients autograd computes with central finite
// differences, in f64. For f(x_1, ..., x_n) -> y it builds the Jacobian of y
// with respect to every checked input twice, column by column from
// (f(x + eps e_j) - f(x - eps e_j)) / (2 eps) and row by row from backward
// passes with grad_out = e_k, and reports the largest disagreement per input.
// For outputs too large for one backward per element, rows are replaced by
// random projections v^T J.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "autograd/variable.h"

namespace nabla::autograd {

struct GradcheckOptions {
  double eps = 1e-6;   ///< finite-difference step
  double atol = 1e-5;  ///< an element passes when |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 1e-3;
  /// Outputs with more elements are checked through random projections.
  std::int64_t max_full_outputs = 256;
  std::uint64_t seed = 0;  ///< seeds the projection vectors
  /// Which inputs to check (default: every floating input). Unchecked inputs
  /// are passed as constants.
  std::vector<bool> check = {};
  /// Names given to the input Variables (shown in the report).
  std::vector<std::string> names = {};
};

/// The comparison for one input.
struct GradcheckInputReport {
  std::size_t input = 0;
  std::string name;
  Shape shape;
  bool checked = false;
  bool ok = true;
  double max_abs_error = 0;
  double max_rel_error = 0;
  /// The worst element: its index in the input, the output element (or
  /// projection) it was compared for, and the two values.
  Shape worst_index;
  Shape worst_output_index;
  double analytic = 0;
  double numeric = 0;
};

struct GradcheckResult {
  bool ok = true;
  std::vector<GradcheckInputReport> inputs;
  /// The node names of the checked graph (which rules were exercised).
  std::vector<std::string> nodes;
  explicit operator bool() const { return ok; }
  /// A readable summary: one line per input, the worst element when it failed.
  std::string report() const;
};

std::ostream& operator<<(std::ostream& out, const GradcheckResult& result);

/// The differentiable function under test: receives one Variable per input
/// (f64 leaves that require grad for the checked inputs) and returns the output.
using GradcheckFn = std::function<Variable(const std::vector<Variable>&)>;

/// Runs the check. Floating inputs are converted to f64 (f64 inputs keep their
/// strides, so non-contiguous layouts are checked as given). Throws nabla::Error
/// when fn returns a non-floating or undefined Variable, or an input overlaps
/// itself in memory (stride 0 over more than one element).
GradcheckResult gradcheck(const GradcheckFn& fn,
                          const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace nabla::autograd
