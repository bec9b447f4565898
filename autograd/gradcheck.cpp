#include "autograd/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/shape_ops.h"

namespace nabla::autograd {

namespace {

// A private f64 copy of `t` with t's shape, strides and offset, so perturbing
// an element never touches the caller's tensor and non-contiguous layouts are
// checked as given.
Tensor private_copy(const Tensor& t, std::size_t i) {
  for (std::int64_t d = 0; d < t.dim(); ++d) {
    NABLA_CHECK(t.size(d) <= 1 || t.stride(d) != 0, "gradcheck", "input ", i, " of shape ",
                t.shape(), " has stride 0 in dim ", d,
                " (an expanded view): perturbing one element would change several; pass "
                "contiguous() or the unexpanded tensor");
  }
  if (t.dtype() != DType::f64) return t.to(DType::f64).contiguous();
  auto storage = std::make_shared<Storage>(t.storage()->nbytes());
  std::memcpy(storage->data(), t.storage()->data(), t.storage()->nbytes());
  return Tensor(storage, t.shape(), t.strides(), t.offset(), DType::f64);
}

// The element at row-major position `flat` of `t`, found through its strides.
double& element(const Tensor& t, std::int64_t flat) {
  std::int64_t offset = 0;
  for (std::int64_t d = t.dim() - 1; d >= 0; --d) {
    offset += (flat % t.size(d)) * t.stride(d);
    flat /= t.size(d);
  }
  return static_cast<double*>(t.storage()->data())[t.offset() + offset];
}

Shape unravel(std::int64_t flat, const Shape& shape) {
  Shape index(shape.size(), 0);
  for (std::int64_t d = shape.rank() - 1; d >= 0; --d) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

std::vector<std::string> node_names(const Variable& y) {
  std::vector<std::string> names;
  if (!y.grad_fn()) return names;
  std::vector<const Node*> stack{y.grad_fn().get()};
  std::vector<const Node*> seen{y.grad_fn().get()};
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    names.emplace_back(node->name());
    for (const Edge& edge : node->inputs()) {
      const Node* input = edge.node.get();
      if (input == nullptr || std::find(seen.begin(), seen.end(), input) != seen.end()) continue;
      seen.push_back(input);
      stack.push_back(input);
    }
  }
  return names;
}

class Checker {
 public:
  Checker(const GradcheckFn& fn, const std::vector<Tensor>& inputs, const GradcheckOptions& options)
      : fn_(fn), options_(options) {
    NABLA_CHECK(options.check.empty() || options.check.size() == inputs.size(), "gradcheck",
                "options.check has ", options.check.size(), " entries for ", inputs.size(),
                " inputs");
    NABLA_CHECK(options.eps > 0, "gradcheck", "eps must be positive, got ", options.eps);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      check_defined(inputs[i], "gradcheck");
      const bool floating = is_floating(inputs[i].dtype());
      const bool checked = floating && (options.check.empty() || options.check[i]);
      NABLA_CHECK(floating || options.check.empty() || !options.check[i], "gradcheck", "input ", i,
                  " has dtype ", inputs[i].dtype(), " and cannot be checked");
      inputs_.push_back(floating ? private_copy(inputs[i], i) : inputs[i]);
      checked_.push_back(checked);
    }
  }

  GradcheckResult run() {
    std::vector<Variable> vars = variables(true);
    Variable y = fn_(vars);
    NABLA_CHECK(y.defined() && is_floating(y.dtype()), "gradcheck",
                "the function must return a floating Variable");
    GradcheckResult result;
    result.nodes = node_names(y);
    const std::int64_t m = y.numel();
    const bool full = m <= options_.max_full_outputs;
    projections_ = full ? Tensor() : randn({kProjections, m}, projection_generator(), DType::f64);
    const std::int64_t rows = full ? m : kProjections;

    // analytic[i][r * n_i + j]: row r of the Jacobian (or projection r) w.r.t. input i.
    std::vector<std::vector<double>> analytic(inputs_.size());
    for (std::size_t i = 0; i < inputs_.size(); ++i)
      if (checked_[i]) analytic[i].assign(rows * inputs_[i].numel(), 0.0);
    if (y.requires_grad()) {
      for (std::int64_t r = 0; r < rows; ++r) {
        for (Variable& v : vars) v.zero_grad();
        y.backward(row_seed(r, y), {.retain_graph = true});
        for (std::size_t i = 0; i < inputs_.size(); ++i) {
          if (!checked_[i] || !vars[i].grad().defined()) continue;
          const std::vector<double> g = vars[i].grad().to_vector<double>();
          std::copy(g.begin(), g.end(), analytic[i].begin() + r * inputs_[i].numel());
        }
      }
    }

    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      GradcheckInputReport report;
      report.input = i;
      report.name = i < options_.names.size() ? options_.names[i] : std::string();
      report.shape = inputs_[i].shape();
      report.checked = checked_[i];
      if (checked_[i]) compare(i, analytic[i], rows, y.shape(), full, report);
      result.ok = result.ok && report.ok;
      result.inputs.push_back(std::move(report));
    }
    return result;
  }

 private:
  static constexpr std::int64_t kProjections = 3;

  Generator& projection_generator() {
    generator_.seed(options_.seed);
    return generator_;
  }

  std::vector<Variable> variables(bool with_grad) const {
    std::vector<Variable> vars;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      vars.emplace_back(inputs_[i], with_grad && checked_[i]);
      if (i < options_.names.size()) vars.back().set_name(options_.names[i]);
    }
    return vars;
  }

  Tensor row_seed(std::int64_t r, const Variable& y) const {
    if (projections_.defined()) return reshape(select(projections_, 0, r), y.shape());
    Tensor seed = zeros(y.shape(), y.dtype());
    element(seed, r) = 1.0;
    return seed;
  }

  std::vector<double> evaluate() const {
    NoGradGuard no_grad;
    Variable y = fn_(variables(false));
    return y.value().to_vector<double>();
  }

  // Central differences for every element j of input i, compared with the
  // analytic rows.
  void compare(std::size_t i,
               const std::vector<double>& analytic,
               std::int64_t rows,
               const Shape& out_shape,
               bool full,
               GradcheckInputReport& report) {
    const std::int64_t n = inputs_[i].numel();
    const std::vector<double> v =
        projections_.defined() ? projections_.to_vector<double>() : std::vector<double>();
    double worst_ratio = -1;
    for (std::int64_t j = 0; j < n; ++j) {
      double& x = element(inputs_[i], j);
      const double saved = x;
      x = saved + options_.eps;
      const std::vector<double> plus = evaluate();
      x = saved - options_.eps;
      const std::vector<double> minus = evaluate();
      x = saved;
      const std::int64_t m = static_cast<std::int64_t>(plus.size());
      for (std::int64_t r = 0; r < rows; ++r) {
        double numeric = 0;
        if (full) {
          numeric = (plus[r] - minus[r]) / (2 * options_.eps);
        } else {
          for (std::int64_t k = 0; k < m; ++k)
            numeric += v[r * m + k] * (plus[k] - minus[k]) / (2 * options_.eps);
        }
        const double a = analytic[r * n + j];
        const double abs_error = std::abs(a - numeric);
        const double rel_error = abs_error / std::max(std::abs(numeric), 1e-12);
        const double ratio = abs_error / (options_.atol + options_.rtol * std::abs(numeric));
        report.max_abs_error = std::max(report.max_abs_error, abs_error);
        report.max_rel_error = std::max(report.max_rel_error, rel_error);
        if (!(ratio <= 1)) report.ok = false;  // also catches NaN
        if (ratio > worst_ratio || std::isnan(ratio)) {
          worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
          report.worst_index = unravel(j, inputs_[i].shape());
          report.worst_output_index = full ? unravel(r, out_shape) : Shape{r};
          report.analytic = a;
          report.numeric = numeric;
        }
      }
    }
  }

  const GradcheckFn& fn_;
  const GradcheckOptions& options_;
  std::vector<Tensor> inputs_;
  std::vector<bool> checked_;
  Tensor projections_;
  Generator generator_{0};
};

}  // namespace

std::string GradcheckResult::report() const {
  std::ostringstream out;
  out << std::setprecision(6) << (ok ? "gradcheck passed" : "gradcheck FAILED");
  if (!nodes.empty()) {
    out << " (nodes:";
    for (const std::string& name : nodes) out << " " << name;
    out << ")";
  }
  out << "\n";
  for (const GradcheckInputReport& r : inputs) {
    out << "  input " << r.input;
    if (!r.name.empty()) out << " '" << r.name << "'";
    out << " " << r.shape << ": ";
    if (!r.checked) {
      out << "not checked\n";
      continue;
    }
    out << (r.ok ? "ok" : "MISMATCH") << ", max abs error " << r.max_abs_error << ", max rel error "
        << r.max_rel_error;
    if (!r.ok || r.max_abs_error > 0) {
      out << "; worst at input index " << r.worst_index << " / output " << r.worst_output_index
          << ": analytic " << r.analytic << " vs numeric " << r.numeric;
    }
    out << "\n";
  }
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const GradcheckResult& result) {
  return out << result.report();
}

GradcheckResult gradcheck(const GradcheckFn& fn,
                          const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  NABLA_CHECK(fn != nullptr, "gradcheck", "the function is empty");
  return Checker(fn, inputs, options).run();
}

}  // namespace nabla::autograd
