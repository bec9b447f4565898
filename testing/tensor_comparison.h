// compare_tensors: is a computed tensor close to the expected one, and if not,
// where and by how much. The result carries the numbers and a readable report
// (shapes, dtypes, number of mismatches, largest absolute and relative
// differences, the worst element with both values, small tensors printed), so
// a test failure says more than "false". Plain C++: the GoogleTest assertions
// built on it live in testing/assertions.h.
//
// An element passes when |actual - expected| <= atol + rtol * |expected|, with
// torch.testing.assert_close's default tolerances per dtype. A difference in
// shape or dtype, or an undefined tensor, is a failed comparison, not an
// exception.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/tensor.h"

namespace nabla::test {

/// The bound of one comparison: |actual - expected| <= atol + rtol * |expected|.
struct Tolerances {
  double rtol = 0;
  double atol = 0;
};

/// The default tolerances of a dtype, torch.testing.assert_close's: f32 rtol 1.3e-6 and
/// atol 1e-5, f64 rtol 1e-7 and atol 1e-7, i64 0 and 0 (exact).
Tolerances default_tolerances(DType dtype);

struct CompareOptions {
  /// Relative tolerance; unset: the default of the dtype compared (default_tolerances).
  std::optional<double> rtol = std::nullopt;
  /// Absolute tolerance; unset: the default of the dtype compared.
  std::optional<double> atol = std::nullopt;
  /// NaN matches NaN at the same index; by default a NaN anywhere is a mismatch.
  bool equal_nan = false;
  /// Tensors of different dtypes fail. When false they are compared as values, with the
  /// default tolerances of the less precise dtype.
  bool check_dtype = true;
  /// A failure report prints both tensors when each has at most this many elements.
  std::int64_t print_limit = 64;
};

/// What compare_tensors found. Differences are |actual - expected| (absolute) and
/// |actual - expected| / |expected| (relative: infinite where expected is 0 and
/// actual is not), computed in f64 over the elements where neither side is NaN.
struct TensorComparison {
  bool ok = false;       ///< same shape (and dtype, if checked), every element within tolerance
  bool exact = false;    ///< same shape and dtype and every element equal
  bool defined = false;  ///< both tensors defined
  Shape actual_shape;
  Shape expected_shape;
  DType actual_dtype = DType::f32;
  DType expected_dtype = DType::f32;
  Tolerances tolerances;            ///< the tolerances applied
  bool equal_nan = false;           ///< as in the options
  bool check_dtype = true;          ///< as in the options
  std::int64_t numel = 0;           ///< elements compared (0 when the shapes differ)
  std::int64_t mismatches = 0;      ///< elements outside the tolerance
  std::int64_t nan_mismatches = 0;  ///< of which with a NaN on either side
  std::int64_t nan_pairs = 0;       ///< elements where both sides are NaN
  double max_abs_diff = 0;
  Shape max_abs_index;  ///< where max_abs_diff is (empty when nothing was compared)
  double max_rel_diff = 0;
  Shape max_rel_index;
  /// The worst element: the first NaN mismatch if any, else the mismatch with the
  /// largest absolute difference, else (a passing comparison) the largest difference.
  /// Its values are held as doubles (i64 values exactly up to 2^53).
  bool has_worst = false;
  Shape worst_index;
  double worst_actual = 0;
  double worst_expected = 0;
  /// The compared tensors (handles: the report prints their current values).
  Tensor actual;
  Tensor expected;
  std::int64_t print_limit = 64;

  explicit operator bool() const { return ok; }
  /// The first line of the report, e.g. "tensors differ at 2 of 6 elements (33.3%)".
  std::string headline() const;
  /// Every finding, one per line, with small tensors printed on a failure.
  std::string report() const;
};

std::ostream& operator<<(std::ostream& out, const TensorComparison& comparison);

/// Compares `actual` with `expected` element by element (no broadcasting). Throws
/// nabla::Error for a negative or NaN tolerance or a negative print_limit; every
/// difference of the tensors themselves, undefined ones included, is a result with
/// ok == false.
TensorComparison compare_tensors(const Tensor& actual,
                                 const Tensor& expected,
                                 const CompareOptions& options = {});

/// A value as the report prints it: the shortest text that reads back to the same
/// value of `dtype` (0.1f prints as 0.1, not 0.100000001).
std::string format_value(double value, DType dtype);

}  // namespace nabla::test
