// compare_gradients: gradients derived by hand against the ones autograd
// accumulated, in one call after backward(). The result is a table with one
// row per Variable (name, module, shape, largest absolute and relative
// differences, worst index, verdict), plus rows for names on one side only,
// and the details of every failing row. Plain C++: EXPECT_GRADIENTS_MATCH in
// testing/assertions.h fails with this report.
//
// The Variables come with their names, as Module::named_parameters() gives
// them ("block.dense.weight"), or named by hand; non-leaf Variables take part
// too when they kept their gradient (retain_grad()), so every intermediate
// gradient of a hand-written backward pass can be checked, not only the
// parameters'.
#pragma once

#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autograd/variable.h"
#include "testing/tensor_comparison.h"

namespace nabla::test {

/// Gradients by name, e.g. {{"0.weight", grad_w1}, {"0.bias", grad_b1}}.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
/// Variables by name, as Module::named_parameters() returns them.
using NamedVariables = std::vector<std::pair<std::string, Variable>>;

/// What one row of the table found.
enum class Verdict {
  exact,        ///< every element of the manual gradient equals autograd's
  close,        ///< within the tolerances
  mismatch,     ///< a different shape or dtype, or elements outside the tolerances
  no_grad,      ///< the Variable has no gradient: backward did not reach it
  missing,      ///< a Variable without a manual gradient
  extra,        ///< a manual gradient whose name is no Variable's
  not_checked,  ///< a Variable without a manual gradient, with allow_missing set
};

/// "exact", "close", "MISMATCH", "NO GRAD", "MISSING", "EXTRA", "not checked":
/// failing verdicts are in capitals.
std::string_view name(Verdict verdict);

struct GradientCompareOptions {
  /// Tolerances as in CompareOptions: unset, the defaults of each gradient's dtype.
  std::optional<double> rtol = std::nullopt;
  std::optional<double> atol = std::nullopt;
  bool equal_nan = false;
  bool check_dtype = true;
  /// Variables without a manual gradient are listed as "not checked" instead of failing.
  bool allow_missing = false;
};

/// One row: a Variable, a manual gradient, or both.
struct GradientRow {
  std::string name = {};
  /// The module the Variable belongs to: for a non-leaf, the module whose call created
  /// it ("2.dense (Linear)", from its node's scope); for a leaf, its name up to the last
  /// '.' ("block.dense" for "block.dense.weight"); "" when there is none.
  std::string module = {};
  Shape shape = {};  ///< the Variable's (for an extra row, the manual gradient's)
  Verdict verdict = Verdict::exact;
  /// The manual gradient (actual) against autograd's (expected); set for the verdicts
  /// exact, close and mismatch.
  std::optional<TensorComparison> comparison = std::nullopt;

  /// True unless the verdict is mismatch, no_grad, missing or extra.
  bool passed() const;
};

struct GradientComparison {
  bool ok = true;
  /// One row per Variable, in the order given, then one per extra manual gradient.
  std::vector<GradientRow> rows;

  explicit operator bool() const { return ok; }
  /// "gradients match: 4 checked (3 exact, 1 close)" or
  /// "gradients differ: 2 of 5 rows fail (1 MISMATCH, 1 MISSING)".
  std::string headline() const;
  /// The table: name, module, shape, max abs diff, max rel diff, worst index, verdict.
  std::string table() const;
  /// The headline, the table, the tolerances, then one line per failing row (the worst
  /// element with both values, the shapes that differ, the names that are missing).
  std::string report() const;
};

std::ostream& operator<<(std::ostream& out, const GradientComparison& comparison);

/// Compares each manual gradient with the grad() of the Variable of the same name.
/// Throws nabla::Error for an empty or duplicate name on either side, an undefined
/// Variable, or a negative or NaN tolerance; every disagreement of the gradients
/// themselves is a row of the result.
GradientComparison compare_gradients(const NamedTensors& manual,
                                     const NamedVariables& variables,
                                     const GradientCompareOptions& options = {});

/// Compares with the parameters of a module (anything with named_parameters(), such as
/// nn::Module), by their dotted paths.
template <class M>
requires requires(const M& module) {
  { module.named_parameters() } -> std::convertible_to<NamedVariables>;
}
GradientComparison compare_gradients(const NamedTensors& manual,
                                     const M& module,
                                     const GradientCompareOptions& options = {}) {
  return compare_gradients(manual, module.named_parameters(), options);
}

}  // namespace nabla::test
