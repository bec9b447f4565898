#include "autograd/trace.h"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

#include "autograd/record.h"
#include "autograd/scope.h"
#include "autograd/trace_detail.h"
#include "tensor/reduce.h"

namespace nabla::autograd {

namespace {

thread_local std::ostream* current_trace = nullptr;

// Gradients with at most this many elements are printed in full.
constexpr std::int64_t kPrintValuesUpTo = 8;

std::string quote_name(const std::string& name) {
  return name.empty() ? std::string() : "'" + name + "' ";
}

// "‖g‖ = 0.5477  values [0.1, -0.2, 0.3]" (values only for small gradients).
std::string summarize(const Tensor& g) {
  std::ostringstream out;
  out << std::setprecision(4);
  const std::vector<double> v = g.to_vector<double>();
  double sum_sq = 0;
  for (double x : v) sum_sq += x * x;
  out << "|g| = " << std::sqrt(sum_sq);
  if (g.numel() <= kPrintValuesUpTo) {
    out << "  values [";
    for (std::size_t k = 0; k < v.size(); ++k) out << (k ? ", " : "") << v[k];
    out << "]";
  }
  return out.str();
}

// First non-finite element of a floating tensor: its flat index, or -1.
std::int64_t first_non_finite(const Tensor& t) {
  if (!is_floating(t.dtype())) return -1;
  const std::vector<double> v = t.to_vector<double>();
  for (std::size_t k = 0; k < v.size(); ++k)
    if (!std::isfinite(v[k])) return static_cast<std::int64_t>(k);
  return -1;
}

// "[1, 2]" for flat index 5 of shape [2, 3].
std::string unravel(std::int64_t flat, const Shape& shape) {
  Shape index(shape.size(), 0);
  for (std::int64_t d = shape.rank() - 1; d >= 0; --d) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return to_string(index);
}

// The op a node name refers to: "TanhBackward" -> "Tanh".
std::string op_of(const char* node_name) {
  std::string name(node_name);
  const std::string suffix = "Backward";
  if (name.size() > suffix.size() && name.ends_with(suffix))
    name.resize(name.size() - suffix.size());
  return name;
}

template <class Range>
std::string describe_variables(const Range& inputs) {
  std::ostringstream out;
  std::size_t k = 0;
  for (const Variable& v : inputs) {
    out << (k++ ? ", " : "");
    if (!v.defined()) {
      out << "(none)";
      continue;
    }
    out << quote_name(v.name());
    if (v.grad_fn()) {
      out << "(from " << v.grad_fn()->name() << ")";
    } else {
      out << (v.requires_grad() ? "(leaf)" : "(constant)");
    }
    out << " " << v.shape();
  }
  return out.str();
}

template <class Range>
void check_forward_impl(const char* name, const Tensor& y, const Range& inputs) {
  const std::int64_t bad = first_non_finite(y);
  if (bad < 0) return;
  const double value = y.to_vector<double>()[bad];
  const Scope* scope = current_scope();
  nabla::detail::throw_error("anomaly", "the forward of ", op_of(name), " (", name, ")",
                             scope == nullptr ? "" : " in module " + scope->describe(),
                             " produced ", value, " at index ", unravel(bad, y.shape()),
                             " of its output ", y.shape(),
                             "; inputs: ", describe_variables(inputs));
}

}  // namespace

TraceGuard::TraceGuard(std::ostream& out) : previous_(current_trace) {
  current_trace = &out;
}

TraceGuard::~TraceGuard() {
  current_trace = previous_;
}

std::ostream* trace_stream() {
  return current_trace;
}

void set_anomaly_enabled(bool enabled) {
  nabla::detail::anomaly_flag().store(enabled, std::memory_order_relaxed);
}

bool is_anomaly_enabled() {
  return nabla::detail::anomaly_flag().load(std::memory_order_relaxed);
}

AnomalyGuard::AnomalyGuard(bool enabled) : previous_(is_anomaly_enabled()) {
  set_anomaly_enabled(enabled);
}

AnomalyGuard::~AnomalyGuard() {
  set_anomaly_enabled(previous_);
}

namespace detail {

std::string describe_input(const Node& node, std::size_t i) {
  const Edge& edge = node.inputs()[i];
  std::ostringstream out;
  if (edge.node != nullptr) {
    out << quote_name(edge.node->output_name()) << "(from " << edge.node->name() << ")";
  } else if (edge.variable != nullptr) {
    out << quote_name(edge.variable->name) << (edge.needs_grad ? "(leaf)" : "(constant)");
  } else {
    out << "(constant)";
  }
  out << " " << edge.shape();
  return out.str();
}

std::string module_of(const Node& node) {
  return node.scope() == nullptr ? std::string() : " in module " + node.scope()->describe();
}

namespace {

// The backward trace: one line per node as it runs, one per gradient it sends.
class TextTrace final : public BackwardObserver {
 public:
  explicit TextTrace(std::ostream& out) : out_(out) {}

  void begin(const Variable& root, const std::vector<Node*>& nodes) override {
    out_ << "backward from " << quote_name(root.name()) << root.shape() << " through "
         << nodes.size() << (nodes.size() == 1 ? " node" : " nodes")
         << ", in the order the engine runs them:\n";
  }

  void before_rule(std::size_t step, const Node& node, const Tensor& grad_out) override {
    out_ << "[" << step + 1 << "] " << node.name();
    if (!node.output_name().empty()) out_ << " -> '" << node.output_name() << "'";
    out_ << " " << node.shape() << "  grad_out: " << summarize(grad_out) << "\n";
  }

  void input(std::size_t /*step*/,
             const Node& node,
             std::size_t i,
             const Tensor& /*raw*/,
             const Tensor& grad) override {
    if (!grad.defined()) return;
    out_ << "      input " << i << " " << describe_input(node, i) << " <- " << summarize(grad)
         << "\n";
  }

  void end(const Variable& root) override {
    out_ << "backward from " << quote_name(root.name()) << root.shape() << " done\n";
  }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<BackwardObserver> make_text_trace(std::ostream& out) {
  return std::make_unique<TextTrace>(out);
}

void check_backward(const Node& node, std::size_t i, const Tensor& grad, std::size_t step) {
  const std::int64_t bad = first_non_finite(grad);
  if (bad < 0) return;
  const double value = grad.to_vector<double>()[bad];
  nabla::detail::throw_error("anomaly", "the backward of ", node.name(), module_of(node), " (step ",
                             step + 1, " of the backward pass, output ",
                             quote_name(node.output_name()), node.shape(), ") produced ", value,
                             " at index ", unravel(bad, grad.shape()),
                             " of the gradient for input ", i, " ", describe_input(node, i));
}

}  // namespace detail
}  // namespace nabla::autograd

namespace nabla::detail {

void check_forward(const char* name, const Tensor& y, VariableRefs inputs) {
  autograd::check_forward_impl(name, y, inputs);
}

void check_forward(const char* name, const Tensor& y, const std::vector<Variable>& inputs) {
  autograd::check_forward_impl(name, y, inputs);
}

}  // namespace nabla::detail
