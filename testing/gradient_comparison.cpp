#include "testing/gradient_comparison.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "autograd/node.h"
#include "autograd/scope.h"
#include "tensor/error.h"

namespace nabla::test {
namespace {

constexpr const char* kOp = "compare_gradients";

void check_names(const std::vector<std::string>& names, const char* side) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    NABLA_CHECK(!names[i].empty(), kOp, "the name of ", side, " ", i, " is empty");
    NABLA_CHECK(seen.insert(names[i]).second, kOp, "duplicate name '", names[i], "' among the ",
                side, "s");
  }
}

std::string module_of(const std::string& name, const Variable& v) {
  if (const auto& node = v.grad_fn()) {
    return node->scope() != nullptr ? node->scope()->describe() : std::string();
  }
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

std::string format_diff(double x) {
  std::ostringstream out;
  out << std::setprecision(3) << x;
  return out.str();
}

std::string to_text(const Shape& shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

// A compared row's columns; "-" where a row has nothing to show.
struct Cells {
  std::string max_abs = "-";
  std::string max_rel = "-";
  std::string worst = "-";
};

Cells cells(const GradientRow& row) {
  Cells c;
  if (!row.comparison || row.comparison->numel == 0) return c;
  const TensorComparison& cmp = *row.comparison;
  c.max_abs = format_diff(cmp.max_abs_diff);
  c.max_rel = format_diff(cmp.max_rel_diff);
  if (cmp.has_worst && !cmp.exact) c.worst = to_text(cmp.worst_index);
  return c;
}

// Why a failing row failed, in the words of a hand-written backward pass:
// "manual" is the gradient derived by hand, "autograd" the accumulated one.
std::string detail(const GradientRow& row, const std::vector<std::string>& variable_names) {
  std::ostringstream out;
  out << row.name << ": ";
  switch (row.verdict) {
    case Verdict::no_grad:
      out << "autograd left no gradient (backward() did not reach this Variable, it does not "
             "require grad, or it is a non-leaf without retain_grad())";
      return out.str();
    case Verdict::missing:
      out << "no manual gradient of this name (GradientCompareOptions::allow_missing lists such "
             "Variables as not checked)";
      return out.str();
    case Verdict::extra: {
      out << "a manual gradient, but no Variable of this name (the Variables:";
      constexpr std::size_t kShown = 8;
      for (std::size_t i = 0; i < variable_names.size() && i < kShown; ++i)
        out << " " << variable_names[i];
      if (variable_names.size() > kShown) out << " ...";
      out << ")";
      return out.str();
    }
    default:
      break;
  }
  const TensorComparison& cmp = *row.comparison;
  if (!cmp.actual.defined()) {
    out << "the manual gradient is undefined";
    return out.str();
  }
  if (cmp.actual_shape != cmp.expected_shape) {
    out << "shape " << cmp.actual_shape << " by hand, " << cmp.expected_shape << " by autograd";
    return out.str();
  }
  if (cmp.actual_dtype != cmp.expected_dtype && cmp.check_dtype) {
    out << "dtype " << cmp.actual_dtype << " by hand, " << cmp.expected_dtype << " by autograd";
    if (cmp.mismatches == 0) return out.str();
    out << "; ";
  }
  out << cmp.mismatches << " of " << cmp.numel << " elements differ";
  if (cmp.nan_mismatches > 0) out << " (" << cmp.nan_mismatches << " with NaN)";
  const DType shown = cmp.actual_dtype == cmp.expected_dtype ? cmp.expected_dtype : DType::f64;
  out << "; worst " << cmp.worst_index << ": manual " << format_value(cmp.worst_actual, shown)
      << ", autograd " << format_value(cmp.worst_expected, shown);
  if (!std::isnan(cmp.worst_actual) && !std::isnan(cmp.worst_expected)) {
    const double bound = cmp.tolerances.atol + cmp.tolerances.rtol * std::abs(cmp.worst_expected);
    out << " (|diff| " << format_diff(std::abs(cmp.worst_actual - cmp.worst_expected))
        << " > allowed " << format_diff(bound) << ")";
  }
  return out.str();
}

}  // namespace

std::string_view name(Verdict verdict) {
  switch (verdict) {
    case Verdict::exact:
      return "exact";
    case Verdict::close:
      return "close";
    case Verdict::mismatch:
      return "MISMATCH";
    case Verdict::no_grad:
      return "NO GRAD";
    case Verdict::missing:
      return "MISSING";
    case Verdict::extra:
      return "EXTRA";
    case Verdict::not_checked:
      return "not checked";
  }
  return "?";
}

bool GradientRow::passed() const {
  return verdict == Verdict::exact || verdict == Verdict::close || verdict == Verdict::not_checked;
}

GradientComparison compare_gradients(const NamedTensors& manual,
                                     const NamedVariables& variables,
                                     const GradientCompareOptions& options) {
  std::vector<std::string> manual_names, variable_names;
  for (const auto& [name, grad] : manual) manual_names.push_back(name);
  for (const auto& [name, v] : variables) {
    NABLA_CHECK(v.defined(), kOp, "the Variable '", name, "' is undefined");
    variable_names.push_back(name);
  }
  for (const auto& [tol, label] :
       {std::pair{options.rtol, "rtol"}, std::pair{options.atol, "atol"}})
    NABLA_CHECK(!tol || *tol >= 0, kOp, label, " must be a non-negative number, got ", *tol);
  check_names(manual_names, "manual gradient");
  check_names(variable_names, "Variable");
  const CompareOptions values{.rtol = options.rtol,
                              .atol = options.atol,
                              .equal_nan = options.equal_nan,
                              .check_dtype = options.check_dtype};

  std::map<std::string_view, const Tensor*> by_name;
  for (const auto& [name, grad] : manual) by_name.emplace(name, &grad);
  GradientComparison result;
  for (const auto& [name, v] : variables) {
    GradientRow row{.name = name, .module = module_of(name, v), .shape = v.shape()};
    const auto found = by_name.find(name);
    if (found == by_name.end()) {
      row.verdict = options.allow_missing ? Verdict::not_checked : Verdict::missing;
    } else if (!v.grad().defined()) {
      row.verdict = Verdict::no_grad;
    } else {
      row.comparison = compare_tensors(*found->second, v.grad(), values);
      row.verdict = !row.comparison->ok     ? Verdict::mismatch
                    : row.comparison->exact ? Verdict::exact
                                            : Verdict::close;
    }
    result.rows.push_back(std::move(row));
  }
  const std::set<std::string_view> known(variable_names.begin(), variable_names.end());
  for (const auto& [name, grad] : manual) {
    if (known.count(name) != 0) continue;
    result.rows.push_back({.name = name,
                           .shape = grad.defined() ? grad.shape() : Shape{},
                           .verdict = Verdict::extra});
  }
  result.ok = std::all_of(result.rows.begin(), result.rows.end(),
                          [](const GradientRow& row) { return row.passed(); });
  return result;
}

std::string GradientComparison::headline() const {
  std::map<Verdict, int> counts;
  for (const GradientRow& row : rows) ++counts[row.verdict];
  std::ostringstream out;
  if (ok) {
    out << "gradients match: " << counts[Verdict::exact] + counts[Verdict::close] << " checked ("
        << counts[Verdict::exact] << " exact, " << counts[Verdict::close] << " close)";
    if (counts[Verdict::not_checked] > 0)
      out << ", " << counts[Verdict::not_checked] << " not checked";
    return out.str();
  }
  int failing = 0;
  for (const GradientRow& row : rows) failing += row.passed() ? 0 : 1;
  out << "gradients differ: " << failing << " of " << rows.size() << " rows fail (";
  const char* separator = "";
  for (const Verdict v : {Verdict::mismatch, Verdict::no_grad, Verdict::missing, Verdict::extra}) {
    if (counts[v] == 0) continue;
    out << separator << counts[v] << " " << name(v);
    separator = ", ";
  }
  out << ")";
  return out.str();
}

std::string GradientComparison::table() const {
  const std::vector<std::string> header = {"name",         "module",      "shape",  "max abs diff",
                                           "max rel diff", "worst index", "verdict"};
  std::vector<std::vector<std::string>> lines = {header};
  for (const GradientRow& row : rows) {
    const Cells c = cells(row);
    lines.push_back({row.name, row.module.empty() ? "-" : row.module, to_text(row.shape), c.max_abs,
                     c.max_rel, c.worst, std::string(name(row.verdict))});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : lines)
    for (std::size_t k = 0; k < line.size(); ++k) width[k] = std::max(width[k], line[k].size());
  std::ostringstream out;
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t k = 0; k < line.size(); ++k) {
      text += line[k];
      if (k + 1 < line.size()) text += std::string(width[k] - line[k].size() + 2, ' ');
    }
    out << "  " << text << "\n";
  }
  return out.str();
}

std::string GradientComparison::report() const {
  std::ostringstream out;
  out << headline() << "\n" << table();
  // The tolerances of the compared rows, one line per distinct pair.
  std::vector<std::pair<DType, Tolerances>> seen;
  for (const GradientRow& row : rows) {
    if (!row.comparison) continue;
    const TensorComparison& cmp = *row.comparison;
    const bool known = std::any_of(seen.begin(), seen.end(), [&](const auto& s) {
      return s.second.rtol == cmp.tolerances.rtol && s.second.atol == cmp.tolerances.atol;
    });
    if (!known) seen.emplace_back(cmp.expected_dtype, cmp.tolerances);
  }
  for (const auto& [dtype, tol] : seen) {
    out << "  tolerance |manual - autograd| <= atol + rtol * |autograd|, rtol "
        << format_value(tol.rtol, DType::f64) << ", atol " << format_value(tol.atol, DType::f64);
    if (seen.size() > 1) out << " (" << dtype << ")";
    out << "\n";
  }
  std::vector<std::string> variable_names;
  for (const GradientRow& row : rows)
    if (row.verdict != Verdict::extra) variable_names.push_back(row.name);
  for (const GradientRow& row : rows)
    if (!row.passed()) out << "  " << detail(row, variable_names) << "\n";
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const GradientComparison& comparison) {
  return out << comparison.report();
}

}  // namespace nabla::test
