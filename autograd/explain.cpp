#include "autograd/explain.h"

#include <ostream>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autograd/explain_rules.h"
#include "autograd/op_list.h"
#include "autograd/trace_detail.h"
#include "autograd/value_text.h"
#include "tensor/error.h"

namespace nabla::autograd {

namespace {

// One gradient sent to a value: by which step's node, as text.
struct Contribution {
  std::size_t step;
  const char* from;
  std::string grad;
};

// What a leaf received during one pass.
struct LeafRecord {
  std::shared_ptr<VariableImpl> leaf;
  std::string before;  // its grad() before the pass, "" when it had none
  std::vector<Contribution> parts;
  bool shown = false;  // a shown node sent it something
};

// The state of one backward pass.
struct Pass {
  std::unordered_map<const Node*, std::vector<Contribution>> to_nodes;
  std::unordered_map<const void*, std::size_t> expected;  // edges into each value
  std::unordered_map<const void*, std::size_t> received;
  std::vector<LeafRecord> leaves;
  std::unordered_map<const VariableImpl*, std::size_t> leaf_index;
  // The node running now.
  bool shown = false;
  Tensor grad_out;
  Tensor output;
  std::vector<Tensor> saved;
  std::vector<Tensor> inputs;
};

// The op's name as users call it: "tanh" for TanhBackward.
std::string_view function_of(const OpInfo& op) {
  const std::string_view f = op.functions;
  const std::size_t end = f.find_first_of(",(");
  return end == std::string_view::npos ? f : f.substr(0, end);
}

// The value a destination of a gradient is keyed by: its node, or its leaf.
const void* destination(const Edge& edge) {
  return edge.node != nullptr ? static_cast<const void*>(edge.node.get())
                              : static_cast<const void*>(edge.variable.get());
}

class ExplainTrace final : public BackwardObserver {
 public:
  ExplainTrace(std::ostream& out, ExplainOptions options)
      : out_(out),
        options_(std::move(options)),
        format_{options_.values_up_to, options_.precision} {}

  void begin(const Variable& root, const std::vector<Node*>& nodes) override {
    Pass& pass = passes_.emplace_back();
    for (const Node* node : nodes)
      for (const Edge& edge : node->inputs())
        if (edge.needs_grad) ++pass.expected[destination(edge)];
    out_ << "explain: backward of L" << (root.name().empty() ? "" : " = '" + root.name() + "'")
         << " " << root.shape() << " = " << text(root.value()) << " through " << nodes.size()
         << (nodes.size() == 1 ? " node" : " nodes") << ", in the order the engine runs them";
    if (!options_.module.empty()) out_ << " (showing module " << options_.module << " and below)";
    out_ << "\n(y: a node's output; g = ∂L/∂y: the gradient it received; rule: its local "
            "derivative; ∂L/∂input: what it sends to each input)\n";
  }

  void before_rule(std::size_t step, const Node& node, const Tensor& grad_out) override {
    Pass& pass = passes_.back();
    pass.shown = shown(node);
    if (!pass.shown) return;
    pass.grad_out = grad_out;
    pass.saved = node.saved_tensors();
    pass.output = kept_value(node);
    if (!pass.output.defined()) pass.output = detail::saved_output(node, pass.saved);
    pass.inputs.assign(node.inputs().size(), Tensor());
    for (std::size_t i = 0; i < pass.inputs.size(); ++i)
      pass.inputs[i] = input_value(node, i, pass);

    const OpInfo* op = find_op(node.name());
    out_ << "\n[" << step + 1 << "] " << node.name();
    if (op != nullptr) out_ << " (" << function_of(*op) << ")";
    out_ << detail::module_of(node);
    if (!node.output_name().empty()) out_ << " -> '" << node.output_name() << "'";
    out_ << " " << node.shape()
         << ": y = " << (pass.output.defined() ? text(pass.output) : "not kept") << "\n";
    out_ << "    g = " << received(pass, node, grad_out, step) << "\n";
    out_ << "    rule: "
         << (op != nullptr ? op->rule : "not in the op registry (a custom function)") << "\n";
  }

  void input(std::size_t step,
             const Node& node,
             std::size_t i,
             const Tensor& raw,
             const Tensor& grad) override {
    Pass& pass = passes_.back();
    const Edge& edge = node.inputs()[i];
    if (grad.defined()) record(pass, step, node, edge, grad);
    if (!pass.shown) return;
    const std::string_view symbol = detail::input_symbol(node.name(), i);
    out_ << "    input " << i;
    if (!symbol.empty()) out_ << " (" << symbol << ")";
    if (edge.absent) {
      out_ << ": not given\n";
      return;
    }
    out_ << ": " << detail::describe_input(node, i);
    if (pass.inputs[i].defined()) out_ << " = " << text(pass.inputs[i]);
    out_ << "\n      ";
    if (!edge.needs_grad) {
      out_ << "needs no gradient\n";
      return;
    }
    if (!grad.defined()) {
      out_ << "no gradient: the rule sent none\n";
      return;
    }
    out_ << "∂L/∂" << (symbol.empty() ? "(input " + std::to_string(i) + ")" : std::string(symbol))
         << " = " << sent(pass, node, i, raw, grad);
    const void* to = destination(edge);
    const std::size_t expected = pass.expected[to];
    if (expected > 1)
      out_ << "  (contribution " << pass.received[to] << " of " << expected << " to "
           << target_name(edge) << ")";
    out_ << "\n";
  }

  void end(const Variable& /*root*/) override {
    Pass& pass = passes_.back();
    bool any = false;
    for (const LeafRecord& record : pass.leaves) {
      if (!record.shown) continue;
      if (!any) out_ << "\nleaf gradients (each the sum of what it received):\n";
      any = true;
      const VariableImpl& leaf = *record.leaf;
      out_ << "  " << (leaf.name.empty() ? "leaf" : "'" + leaf.name + "'") << " "
           << leaf.value.shape() << " = " << text(leaf.value) << ": grad = ";
      const bool sum = record.parts.size() > 1 || !record.before.empty();
      if (!record.before.empty()) out_ << record.before << " (before this pass) + ";
      out_ << parts(record.parts);
      if (sum) out_ << " = " << text(leaf.grad);
      out_ << "\n";
    }
    out_ << "explain: done\n";
    passes_.pop_back();
  }

  void abandon() override {
    if (passes_.empty()) return;
    out_ << "explain: the backward pass stopped with an error\n";
    passes_.pop_back();
  }

 private:
  bool shown(const Node& node) const {
    const std::string& module = options_.module;
    if (module.empty()) return true;
    if (node.scope() == nullptr) return false;
    const std::string& path = node.scope()->path;
    return path == module ||
           (path.starts_with(module) && path.size() > module.size() && path[module.size()] == '.');
  }

  std::string text(const Tensor& t) const { return format_tensor(t, format_); }

  // An input's value: saved for the rule, a leaf's, or kept by its producer.
  static Tensor input_value(const Node& node, std::size_t i, const Pass& pass) {
    Tensor value = detail::saved_input(node, pass.saved, i);
    if (value.defined()) return value;
    const Edge& edge = node.inputs()[i];
    if (edge.variable != nullptr) return edge.variable->value;
    if (edge.node != nullptr) return kept_value(*edge.node);
    return Tensor();
  }

  // "1 (the seed)", "0.5 (from [1] TanhBackward)", or the sum of several.
  std::string received(const Pass& pass,
                       const Node& node,
                       const Tensor& grad_out,
                       std::size_t step) const {
    auto it = pass.to_nodes.find(&node);
    if (it == pass.to_nodes.end() || it->second.empty())
      return text(grad_out) + (step == 0 ? " (the seed)" : "");
    std::string out = parts(it->second);
    if (it->second.size() > 1) out += " = " + text(grad_out);
    return out;
  }

  static std::string parts(const std::vector<Contribution>& parts) {
    std::string out;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      // A negative number after "+" in parentheses: "1 + (-1.5)".
      const bool wrap = k > 0 && parts[k].grad.starts_with('-');
      if (k > 0) out += " + ";
      out += wrap ? "(" + parts[k].grad + ")" : parts[k].grad;
      out += " (from [" + std::to_string(parts[k].step + 1) + "] " + parts[k].from + ")";
    }
    return out;
  }

  // "g · (1 − y²) = 1 · (1 − 0.7071²) = 0.5", with the un-broadcast if any.
  std::string sent(
      const Pass& pass, const Node& node, std::size_t i, const Tensor& raw, const Tensor& grad) {
    const detail::RuleText rule = detail::rule_text(
        {node, pass.grad_out, pass.output, pass.inputs, pass.saved, format_}, i, raw);
    const std::string value = text(raw);
    std::string out;
    if (!rule.symbols.empty()) out += rule.symbols + " = ";
    if (!rule.numbers.empty() && rule.numbers != value) out += rule.numbers + " = ";
    out += value;
    if (raw.shape() != grad.shape()) {
      std::ostringstream shape;
      shape << grad.shape();
      out += ", summed to " + shape.str() + " = " + text(grad);
    }
    return out;
  }

  static std::string target_name(const Edge& edge) {
    const std::string& name = edge.node != nullptr ? edge.node->output_name() : edge.variable->name;
    if (!name.empty()) return "'" + name + "'";
    return edge.node != nullptr ? std::string("the output of ") + edge.node->name()
                                : std::string("this leaf");
  }

  void record(
      Pass& pass, std::size_t step, const Node& node, const Edge& edge, const Tensor& grad) {
    ++pass.received[destination(edge)];
    Contribution part{step, node.name(), text(grad)};
    if (edge.node != nullptr) {
      pass.to_nodes[edge.node.get()].push_back(std::move(part));
      return;
    }
    auto [it, inserted] = pass.leaf_index.emplace(edge.variable.get(), pass.leaves.size());
    if (inserted) {
      LeafRecord leaf{edge.variable, std::string(), {}, false};
      if (edge.variable->grad.defined()) leaf.before = text(edge.variable->grad);
      pass.leaves.push_back(std::move(leaf));
    }
    LeafRecord& leaf = pass.leaves[it->second];
    leaf.parts.push_back(std::move(part));
    leaf.shown = leaf.shown || pass.shown;
  }

  std::ostream& out_;
  const ExplainOptions options_;
  const ValueFormat format_;
  std::vector<Pass> passes_;  // a hook may run a backward pass inside another
};

}  // namespace

ExplainGuard::ExplainGuard(std::ostream& out, ExplainOptions options)
    : trace_([&] {
        NABLA_CHECK(options.values_up_to >= 0, "ExplainGuard", "values_up_to must be >= 0, got ",
                    options.values_up_to);
        NABLA_CHECK(options.precision >= 1 && options.precision <= 17, "ExplainGuard",
                    "precision must be in [1, 17], got ", options.precision);
        return std::make_unique<ExplainTrace>(out, std::move(options));
      }()),
      observing_(*trace_) {}

ExplainGuard::~ExplainGuard() = default;

}  // namespace nabla::autograd
