#include "testing/tensor_comparison.h"

#include <charconv>
#include <cmath>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>
#include <vector>

#include "tensor/error.h"
#include "tensor/print.h"

namespace nabla::test {
namespace {

constexpr const char* kOp = "compare_tensors";

double tolerance(std::optional<double> given, double fallback, const char* name) {
  if (!given) return fallback;
  // Written so that NaN fails too.
  NABLA_CHECK(*given >= 0, kOp, name, " must be a non-negative number, got ", *given);
  return *given;
}

// The dtype whose default tolerances apply: the common one, or the less precise
// of two (f32 is looser than f64, which is looser than exact i64).
DType tolerance_dtype(DType a, DType b) {
  if (a == DType::f32 || b == DType::f32) return DType::f32;
  if (a == DType::f64 || b == DType::f64) return DType::f64;
  return DType::i64;
}

Shape unravel(std::int64_t flat, const Shape& shape) {
  Shape index(shape.size(), 0);
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

// Differences print with three significant digits: enough to judge a tolerance.
std::string format_diff(double x) {
  std::ostringstream out;
  out << std::setprecision(3) << x;
  return out.str();
}

std::string format_tolerance(double x) {
  return format_value(x, DType::f64);
}

// `text` after `label`, its continuation lines aligned under its first.
std::string labelled(const std::string& label, const std::string& text) {
  std::string out = label;
  const std::string pad(label.size(), ' ');
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out + "\n";
}

// One element pair, measured. Integer pairs are compared as integers, so that
// i64 values beyond 2^53 do not round into equality.
struct Measure {
  bool nan_mismatch = false;  // NaN on either side and not excused by equal_nan
  bool both_nan = false;
  bool equal = false;
  bool close = false;
  double abs_diff = 0;
  double rel_diff = 0;
};

Measure measure(double a, double e, const Tolerances& tol, bool equal_nan) {
  Measure m;
  if (std::isnan(a) || std::isnan(e)) {
    m.both_nan = std::isnan(a) && std::isnan(e);
    m.equal = m.close = m.both_nan && equal_nan;
    m.nan_mismatch = !m.close;
    return m;
  }
  m.equal = a == e;  // also equal infinities
  if (m.equal) {
    m.close = true;
    return m;
  }
  m.abs_diff = std::abs(a - e);
  m.rel_diff = std::isinf(m.abs_diff) ? INFINITY : m.abs_diff / std::abs(e);
  // An infinity is close only to itself; with an infinite expected value the
  // bound itself would be infinite.
  m.close = std::isfinite(a) && std::isfinite(e) && m.abs_diff <= tol.atol + tol.rtol * std::abs(e);
  return m;
}

Measure measure_integers(std::int64_t a, std::int64_t e, const Tolerances& tol) {
  Measure m;
  m.equal = m.close = a == e;
  if (m.equal) return m;
  // |a - e| without signed overflow.
  const std::uint64_t diff = a > e ? static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(e)
                                   : static_cast<std::uint64_t>(e) - static_cast<std::uint64_t>(a);
  m.abs_diff = static_cast<double>(diff);
  m.rel_diff = e == 0 ? INFINITY : m.abs_diff / std::abs(static_cast<double>(e));
  m.close = m.abs_diff <= tol.atol + tol.rtol * std::abs(static_cast<double>(e));
  return m;
}

// Walks the elements of two same-shaped tensors and fills the counts, maxima
// and the worst element of `r`.
template <class T, class MeasureFn>
void compare_elements(const std::vector<T>& a,
                      const std::vector<T>& e,
                      MeasureFn measure_pair,
                      TensorComparison& r) {
  std::int64_t first_nan = -1, worst = -1, largest = -1, most_relative = -1;
  double worst_diff = -1;
  bool exact = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Measure m = measure_pair(a[i], e[i]);
    const auto flat = static_cast<std::int64_t>(i);
    // With equal_nan, NaN against NaN matches but is not counted as equal.
    exact = exact && m.equal && !m.both_nan;
    if (m.both_nan) ++r.nan_pairs;
    if (m.nan_mismatch) {
      ++r.mismatches;
      ++r.nan_mismatches;
      if (first_nan < 0) first_nan = flat;
      continue;
    }
    if (!m.close) {
      ++r.mismatches;
      if (m.abs_diff > worst_diff) {
        worst_diff = m.abs_diff;
        worst = flat;
      }
    }
    if (largest < 0 || m.abs_diff > r.max_abs_diff) {
      r.max_abs_diff = m.abs_diff;
      largest = flat;
    }
    if (most_relative < 0 || m.rel_diff > r.max_rel_diff) {
      r.max_rel_diff = m.rel_diff;
      most_relative = flat;
    }
  }
  r.exact = exact;
  if (largest >= 0) r.max_abs_index = unravel(largest, r.expected_shape);
  if (most_relative >= 0) r.max_rel_index = unravel(most_relative, r.expected_shape);
  const std::int64_t at = first_nan >= 0 ? first_nan : worst >= 0 ? worst : largest;
  if (at >= 0) {
    r.has_worst = true;
    r.worst_index = unravel(at, r.expected_shape);
    r.worst_actual = static_cast<double>(a[static_cast<std::size_t>(at)]);
    r.worst_expected = static_cast<double>(e[static_cast<std::size_t>(at)]);
  }
}

}  // namespace

Tolerances default_tolerances(DType dtype) {
  switch (dtype) {
    case DType::f32:
      return {.rtol = 1.3e-6, .atol = 1e-5};
    case DType::f64:
      return {.rtol = 1e-7, .atol = 1e-7};
    case DType::i64:
      break;
  }
  return {.rtol = 0, .atol = 0};
}

std::string format_value(double value, DType dtype) {
  char buffer[64];
  std::to_chars_result written{};
  if (dtype == DType::f32 && std::isfinite(value) &&
      std::abs(value) <= std::numeric_limits<float>::max()) {
    written = std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value));
  } else {
    written = std::to_chars(buffer, buffer + sizeof buffer, value);
  }
  return std::string(buffer, written.ptr);
}

TensorComparison compare_tensors(const Tensor& actual,
                                 const Tensor& expected,
                                 const CompareOptions& options) {
  NABLA_CHECK(options.print_limit >= 0, kOp, "print_limit must be non-negative, got ",
              options.print_limit);
  TensorComparison r;
  r.actual = actual;
  r.expected = expected;
  r.equal_nan = options.equal_nan;
  r.check_dtype = options.check_dtype;
  r.print_limit = options.print_limit;
  r.defined = actual.defined() && expected.defined();
  if (actual.defined()) {
    r.actual_shape = actual.shape();
    r.actual_dtype = actual.dtype();
  }
  if (expected.defined()) {
    r.expected_shape = expected.shape();
    r.expected_dtype = expected.dtype();
  }
  const Tolerances defaults = default_tolerances(
      tolerance_dtype(actual.defined() ? r.actual_dtype : r.expected_dtype, r.expected_dtype));
  r.tolerances = {.rtol = tolerance(options.rtol, defaults.rtol, "rtol"),
                  .atol = tolerance(options.atol, defaults.atol, "atol")};
  if (!r.defined || r.actual_shape != r.expected_shape) return r;

  r.numel = expected.numel();
  if (r.actual_dtype == DType::i64 && r.expected_dtype == DType::i64) {
    compare_elements(
        actual.to_vector<std::int64_t>(), expected.to_vector<std::int64_t>(),
        [&](std::int64_t a, std::int64_t e) { return measure_integers(a, e, r.tolerances); }, r);
  } else {
    compare_elements(
        actual.to_vector<double>(), expected.to_vector<double>(),
        [&](double a, double e) { return measure(a, e, r.tolerances, r.equal_nan); }, r);
  }
  const bool same_dtype = r.actual_dtype == r.expected_dtype;
  r.exact = r.exact && same_dtype;
  r.ok = r.mismatches == 0 && (same_dtype || !options.check_dtype);
  return r;
}

std::string TensorComparison::headline() const {
  if (!defined) {
    if (!actual.defined() && !expected.defined()) return "both tensors are undefined";
    return std::string(actual.defined() ? "expected" : "actual") + " tensor is undefined";
  }
  const bool same_dtype = actual_dtype == expected_dtype;
  std::ostringstream out;
  if (actual_shape != expected_shape) {
    out << "tensors differ in shape" << (same_dtype ? "" : " and dtype") << ": actual "
        << actual_shape;
    if (!same_dtype) out << " " << actual_dtype;
    out << ", expected " << expected_shape;
    if (!same_dtype) out << " " << expected_dtype;
    return out.str();
  }
  const bool dtype_fails = !same_dtype && check_dtype;
  if (dtype_fails)
    out << "tensors differ in dtype: actual " << actual_dtype << ", expected " << expected_dtype;
  if (mismatches > 0) {
    out << (dtype_fails ? ", and at " : "tensors differ at ") << mismatches << " of " << numel
        << " element" << (numel == 1 ? "" : "s") << " (" << std::setprecision(3)
        << 100.0 * static_cast<double>(mismatches) / static_cast<double>(numel) << "%)";
    if (nan_mismatches > 0) out << ", " << nan_mismatches << " of them NaN";
  }
  if (ok) out << (exact ? "tensors are equal" : "tensors are close");
  return out.str();
}

std::string TensorComparison::report() const {
  std::ostringstream out;
  out << headline() << "\n";
  if (!defined) {
    if (actual.defined()) out << "  actual: " << actual_shape << ", " << actual_dtype << "\n";
    if (expected.defined()) {
      out << "  expected: " << expected_shape << ", " << expected_dtype << "\n";
    }
    return out.str();
  }
  const bool same_shape = actual_shape == expected_shape;
  const bool same_dtype = actual_dtype == expected_dtype;
  if (same_shape && same_dtype) {
    out << "  shape " << expected_shape << ", dtype " << expected_dtype << " on both sides\n";
  } else if (same_shape) {
    out << "  shape " << expected_shape << " on both sides; dtypes " << actual_dtype << " and "
        << expected_dtype << (check_dtype ? "" : ", compared as values") << "\n";
  } else if (same_dtype) {
    out << "  dtype " << expected_dtype << " on both sides\n";
  }
  if (same_shape && numel > 0) {
    // Values of two dtypes print as f64, which shows both exactly.
    const DType shown = same_dtype ? expected_dtype : DType::f64;
    if (has_worst && (mismatches > 0 || max_abs_diff > 0)) {
      out << "  worst element " << worst_index << ": actual " << format_value(worst_actual, shown)
          << ", expected " << format_value(worst_expected, shown);
      if (mismatches > 0 && !std::isnan(worst_actual) && !std::isnan(worst_expected)) {
        const double bound = tolerances.atol + tolerances.rtol * std::abs(worst_expected);
        out << " (|diff| " << format_diff(std::abs(worst_actual - worst_expected)) << " > allowed "
            << format_diff(bound) << ")";
      }
      out << "\n";
    }
    out << "  max abs diff " << format_diff(max_abs_diff);
    if (max_abs_diff > 0) out << " at " << max_abs_index;
    out << "\n  max rel diff " << format_diff(max_rel_diff);
    if (max_rel_diff > 0) out << " at " << max_rel_index;
    out << "\n  tolerance |actual - expected| <= atol + rtol * |expected|, rtol "
        << format_tolerance(tolerances.rtol) << ", atol " << format_tolerance(tolerances.atol)
        << "\n";
    if (nan_pairs > 0 && !equal_nan) {
      out << "  NaN faced NaN at " << nan_pairs
          << " element(s), a mismatch unless CompareOptions::equal_nan is set\n";
    }
  }
  if (!ok && actual.numel() <= print_limit && expected.numel() <= print_limit) {
    out << labelled("  actual:   ", to_string(actual));
    out << labelled("  expected: ", to_string(expected));
  }
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const TensorComparison& comparison) {
  return out << comparison.report();
}

}  // namespace nabla::test
