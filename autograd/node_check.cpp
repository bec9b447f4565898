// The node-wise gradient check: capture, reference replay, and per input a
// comparison of the rule with central differences of the node's own forward.
// See NOTE [ Replaying a function ] in node_check.h.
#include "autograd/node_check.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <limits>
#include <memory>
#include <ostream>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/op_name.h"
#include "autograd/record.h"
#include "autograd/scope.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/reduce.h"

namespace nabla::autograd {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The op that records a node, "custom function" for a node no built-in op records.
std::string op_of(const char* node_name) {
  std::string op = op_name(node_name);
  return op.empty() ? "custom function" : op;
}

Shape unravel(std::int64_t flat, const Shape& shape) {
  Shape index(shape.size(), 0);
  for (std::int64_t d = shape.rank() - 1; d >= 0; --d) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

// A tensor of `shape` that is `value` at row-major position `flat`, 0 elsewhere.
Tensor unit(const Shape& shape, std::int64_t flat, double value, DType dtype) {
  std::vector<double> v(static_cast<std::size_t>(numel(shape)), 0.0);
  v[static_cast<std::size_t>(flat)] = value;
  return from_vector(v, shape).to(dtype);
}

double dot(const Tensor& a, const Tensor& b) {
  return sum(a.to(DType::f64) * b.to(DType::f64)).item<double>();
}

// 1 where the forward has a kink between the two perturbed points: its second
// difference is of the order of eps (a change of slope) rather than eps^2.
Tensor kinks(const Tensor& plus,
             const Tensor& minus,
             const Tensor& centre,
             const Tensor& slope,
             double eps) {
  const Tensor second = abs(plus - 2.0 * centre + minus);
  return gt(second, 1e-3 * eps * (1.0 + abs(slope)) + 1e-13 * abs(centre));
}

// Where an input of a captured node came from, so that it can be perturbed.
struct Source {
  std::size_t producer = kNone;      // a node the function created (its entry)
  VariableImpl* variable = nullptr;  // otherwise a leaf, a constant, or a Variable made before
  bool operator==(const Source& other) const {
    return producer == other.producer && variable == other.variable;
  }
};

// What the capture keeps of one node.
struct Entry {
  std::shared_ptr<Node> node;
  const char* name = nullptr;
  Tensor output;    // as captured
  Tensor output64;  // in f64: what the replays return in its place
  Tensor fresh64;   // its own output at the captured inputs (reference replay)
  std::vector<Source> sources;
  std::vector<bool> moved;  // the input is another Variable when replayed
  bool reachable = false;
  std::string skip;  // why its inputs are not checked
};

// The record() hook of the capture and the replays.
class Recorder final : public nabla::detail::RecordHook {
 public:
  std::vector<Entry> entries;
  // Keeps the leaves and constants of the capture alive for their swap.
  std::unordered_map<VariableImpl*, std::shared_ptr<VariableImpl>> variables;

  void start_replay(std::size_t target, std::size_t perturbed, Tensor delta, bool reference) {
    replaying_ = true;
    reference_ = reference;
    target_ = target;
    perturbed_ = perturbed;
    delta_ = std::move(delta);
    counter_ = 0;
    fresh_ = Tensor();
    returned_.assign(entries.size(), nullptr);
    kept_.clear();
  }
  std::size_t count() const { return counter_; }
  Tensor take_fresh() { return std::move(fresh_); }

  Variable replace(const char* name,
                   const Tensor& y,
                   const std::vector<const Variable*>& inputs) override {
    if (!replaying_) return Variable();
    const std::size_t k = counter_++;
    NABLA_CHECK(k < entries.size() && std::strcmp(entries[k].name, name) == 0, "check_nodes",
                "when replayed, the function recorded ", name, " as its node #", k + 1,
                " where the capture recorded ", k < entries.size() ? entries[k].name : "no node",
                ": it must record the same ops on every call");
    Entry& e = entries[k];
    if (reference_) {
      e.fresh64 = y.to(DType::f64);
      for (std::size_t i = 0; i < inputs.size() && i < e.sources.size(); ++i) {
        const Source& s = e.sources[i];
        const VariableImpl* expected = s.producer != kNone ? returned_[s.producer] : s.variable;
        e.moved[i] = inputs[i]->impl().get() != expected;
      }
    }
    if (k == target_) fresh_ = y.to(DType::f64);
    Variable out(k == perturbed_ ? e.output64 + delta_ : e.output64, /*requires_grad=*/true);
    returned_[k] = out.impl().get();
    kept_.push_back(out);  // so that no address is reused within the replay
    return out;
  }

  void recorded(const Variable& y, const std::vector<const Variable*>& inputs) override {
    Entry e;
    e.node = y.grad_fn();
    e.name = e.node->name();
    e.output = y.value();
    for (const Variable* v : inputs) {
      Source s;
      const std::shared_ptr<VariableImpl>& impl = v->impl();
      if (impl != nullptr) {
        auto it = impl->grad_fn ? index_.find(impl->grad_fn.get()) : index_.end();
        if (it != index_.end()) {
          s.producer = it->second;
        } else {
          s.variable = impl.get();
          variables.emplace(impl.get(), impl);
        }
      }
      e.sources.push_back(s);
    }
    e.moved.assign(e.sources.size(), false);
    index_.emplace(e.node.get(), entries.size());
    entries.push_back(std::move(e));
  }

  std::size_t index_of(const Node* node) const {
    auto it = index_.find(node);
    return it == index_.end() ? kNone : it->second;
  }

 private:
  std::unordered_map<const Node*, std::size_t> index_;
  bool replaying_ = false;
  bool reference_ = false;
  std::size_t target_ = kNone;
  std::size_t perturbed_ = kNone;
  Tensor delta_;
  std::size_t counter_ = 0;
  Tensor fresh_;
  std::vector<const VariableImpl*> returned_;
  std::vector<Variable> kept_;
};

// Installs a RecordHook on this thread for its lifetime.
class HookGuard {
 public:
  explicit HookGuard(nabla::detail::RecordHook* hook) : previous_(nabla::detail::record_hook) {
    nabla::detail::record_hook = hook;
  }
  ~HookGuard() { nabla::detail::record_hook = previous_; }
  HookGuard(const HookGuard&) = delete;
  HookGuard& operator=(const HookGuard&) = delete;

 private:
  nabla::detail::RecordHook* previous_;
};

class F64Guard {
 public:
  F64Guard() : previous_(nabla::detail::replay_in_f64) { nabla::detail::replay_in_f64 = true; }
  ~F64Guard() { nabla::detail::replay_in_f64 = previous_; }
  F64Guard(const F64Guard&) = delete;
  F64Guard& operator=(const F64Guard&) = delete;

 private:
  bool previous_;
};

// The leaves and constants of the capture hold f64 copies during the replays,
// the one under test perturbed; their own values come back at the end.
class LeafSwap {
 public:
  ~LeafSwap() { restore(); }
  void swap_in(const std::unordered_map<VariableImpl*, std::shared_ptr<VariableImpl>>& all) {
    for (const auto& [raw, impl] : all) {
      if (!impl->value.defined() || !is_floating(impl->value.dtype())) continue;
      swapped_.push_back({impl, impl->value, impl->value.to(DType::f64)});
      impl->value = swapped_.back().base;
    }
  }
  void set(VariableImpl* impl, const Tensor* delta) {
    for (Swapped& s : swapped_)
      if (s.impl.get() == impl) s.impl->value = delta != nullptr ? s.base + *delta : s.base;
  }
  void restore() {
    for (Swapped& s : swapped_) s.impl->value = s.original;
    swapped_.clear();
  }

 private:
  struct Swapped {
    std::shared_ptr<VariableImpl> impl;
    Tensor original;
    Tensor base;
  };
  std::vector<Swapped> swapped_;
};

// Every run starts the generators from their state at the start of the check,
// and they are left in it.
class RandomState {
 public:
  explicit RandomState(const std::vector<Generator*>& generators) {
    add(&default_generator());
    for (Generator* gen : generators) {
      NABLA_CHECK(gen != nullptr, "check_nodes", "options.generators holds a null generator");
      add(gen);
    }
  }
  ~RandomState() { reset(); }
  RandomState(const RandomState&) = delete;
  RandomState& operator=(const RandomState&) = delete;
  void reset() {
    for (const Saved& s : saved_) {
      s.gen->seed(s.seed);
      s.gen->set_offset(s.offset);
    }
  }

 private:
  struct Saved {
    Generator* gen;
    std::uint64_t seed;
    std::uint64_t offset;
  };
  void add(Generator* gen) {
    for (const Saved& s : saved_)
      if (s.gen == gen) return;
    saved_.push_back({gen, gen->initial_seed(), gen->offset()});
  }
  std::vector<Saved> saved_;
};

// Copies of the tensors the function changes in place, written back at the end.
class Restorer {
 public:
  explicit Restorer(const std::vector<Tensor>& tensors) : tensors_(tensors) {
    for (const Tensor& t : tensors_) copies_.push_back(t.defined() ? t.clone() : Tensor());
  }
  ~Restorer() {
    for (std::size_t i = 0; i < tensors_.size(); ++i)
      if (tensors_[i].defined()) tensors_[i].copy_(copies_[i]);
  }
  Restorer(const Restorer&) = delete;
  Restorer& operator=(const Restorer&) = delete;

 private:
  std::vector<Tensor> tensors_;
  std::vector<Tensor> copies_;
};

class Checker {
 public:
  Checker(const NodeCheckFn& fn, const NodeCheckOptions& options)
      : fn_(fn), options_(options), random_(options.generators), restorer_(options.restore) {}

  NodeCheckResult run() {
    capture();
    leaves_.swap_in(recorder_.variables);
    replay(kNone, Source{}, Tensor(), /*reference=*/true);
    for (Entry& e : recorder_.entries) {
      if (!e.reachable) continue;
      if (e.fresh64.shape() != e.output.shape()) {
        e.skip = "its output has another shape when replayed";
        continue;
      }
      const Tensor diff = abs(e.fresh64 - e.output64);
      const double scale = amax(abs(e.output64)).item<double>();
      const double worst = amax(diff).item<double>();
      if (!(worst <= 1e-3 * scale + 1e-6))
        e.skip = "its output differs when replayed (by up to " + format(worst) +
                 "): a random op whose generator is not in options.generators, or an op "
                 "that depends on state the function changes";
    }
    NodeCheckResult result;
    result.nodes = recorder_.entries.size();
    for (std::size_t k = 0; k < recorder_.entries.size(); ++k)
      if (recorder_.entries[k].reachable) check_node(k, result);
    result.replays = replays_;
    for (const NodeInputCheck& c : result.checks)
      if (c.status == NodeCheckStatus::failed) result.ok = false;
    return result;
  }

 private:
  static std::string format(double value) {
    std::ostringstream out;
    out << std::setprecision(3) << value;
    return out.str();
  }

  void capture() {
    random_.reset();
    Variable root;
    {
      HookGuard hook(&recorder_);
      GradModeGuard grad(true);
      root = fn_();
    }
    NABLA_CHECK(root.defined() && is_floating(root.dtype()), "check_nodes",
                "the function must return a defined floating Variable");
    std::vector<Entry>& entries = recorder_.entries;
    NABLA_CHECK(!entries.empty() && root.grad_fn() != nullptr, "check_nodes",
                "the function recorded no node on the path to its result (grad mode off, or no "
                "input requires grad): there is nothing to check");
    std::vector<const Node*> stack{root.grad_fn().get()};
    std::vector<const Node*> seen{root.grad_fn().get()};
    while (!stack.empty()) {
      const Node* node = stack.back();
      stack.pop_back();
      const std::size_t k = recorder_.index_of(node);
      if (k != kNone) entries[k].reachable = true;
      for (const Edge& edge : node->inputs()) {
        const Node* input = edge.node.get();
        if (input == nullptr || std::find(seen.begin(), seen.end(), input) != seen.end()) continue;
        seen.push_back(input);
        stack.push_back(input);
      }
    }
    for (Entry& e : entries) e.output64 = e.output.to(DType::f64);
  }

  // Runs the function with record() replaced (NOTE [ Replaying a function ])
  // and returns the fresh output of node `target`.
  Tensor replay(std::size_t target, const Source& source, const Tensor& delta, bool reference) {
    random_.reset();
    recorder_.start_replay(target, source.producer, delta, reference);
    if (source.variable != nullptr) leaves_.set(source.variable, &delta);
    try {
      HookGuard hook(&recorder_);
      F64Guard f64;
      GradModeGuard grad(true);
      fn_();
    } catch (const Error& e) {
      if (source.variable != nullptr) leaves_.set(source.variable, nullptr);
      nabla::detail::throw_error("check_nodes",
                                 "the function failed when replayed in f64: ", e.what());
    }
    if (source.variable != nullptr) leaves_.set(source.variable, nullptr);
    NABLA_CHECK(recorder_.count() == recorder_.entries.size(), "check_nodes",
                "when replayed, the function recorded ", recorder_.count(),
                " nodes where the capture recorded ", recorder_.entries.size(),
                ": it must record the same ops on every call");
    ++replays_;
    return recorder_.take_fresh();
  }

  std::string describe_source(const Source& s) const {
    if (s.producer != kNone)
      return std::string(recorder_.entries[s.producer].name) + " #" +
             std::to_string(s.producer + 1);
    if (s.variable == nullptr) return "nothing";
    const VariableImpl& v = *s.variable;
    if (v.grad_fn) return "a Variable made before the call by " + std::string(v.grad_fn->name());
    if (v.name.empty()) return v.requires_grad ? "a leaf" : "a constant";
    return "'" + v.name + "'" + (v.requires_grad ? " (leaf)" : " (constant)");
  }

  void check_node(std::size_t k, NodeCheckResult& result) {
    Entry& e = recorder_.entries[k];
    const EdgeList& edges = e.node->inputs();
    std::vector<bool> done(edges.size(), false);
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (done[i] || !edges[i].needs_grad || edges[i].absent) continue;
      // Inputs that are one value are perturbed together, so checked together:
      // the numeric side sees the sum of their Jacobians.
      std::vector<std::size_t> group{i};
      for (std::size_t j = i + 1; j < edges.size(); ++j) {
        if (edges[j].needs_grad && !edges[j].absent && e.sources[j] == e.sources[i]) {
          group.push_back(j);
          done[j] = true;
        }
      }
      NodeInputCheck c;
      c.node = k + 1;
      c.name = e.name;
      c.op = op_of(e.name);
      c.module = e.node->scope() != nullptr ? e.node->scope()->describe() : "";
      c.input = i;
      c.source = describe_source(e.sources[i]);
      c.input_shape = edges[i].shape();
      c.output_shape = e.node->shape();
      c.dtype = e.node->dtype();
      if (group.size() > 1) {
        c.note = "one value with input";
        for (std::size_t g = 1; g < group.size(); ++g)
          c.note += (g > 1 ? ", " : " ") + std::to_string(group[g]);
        c.note += ": checked together";
      }
      if (!e.skip.empty()) {
        c.status = NodeCheckStatus::skipped;
        c.note = e.skip;
      } else if (e.moved[i]) {
        c.status = NodeCheckStatus::skipped;
        c.note =
            "the input is a new Variable on every call (a leaf created inside the function), so "
            "it cannot be perturbed: create it before calling check_nodes";
      } else {
        compare(k, group, c);
      }
      result.checks.push_back(std::move(c));
    }
  }

  // Σ over the group of <sum_to(rule(v)_i), u>, or false (and a failure) when
  // the rule throws or returns gradients the engine would reject.
  bool analytic_dot(Entry& e,
                    const std::vector<std::size_t>& group,
                    const Tensor& v,
                    const Tensor& u,
                    double& out,
                    Tensor* gradient,
                    NodeInputCheck& c) {
    const EdgeList& edges = e.node->inputs();
    try {
      GradList grads = e.node->apply(v);
      if (grads.size() != edges.size()) {
        c.note = "the rule returned " + std::to_string(grads.size()) + " gradients for " +
                 std::to_string(edges.size()) + " inputs";
        c.status = NodeCheckStatus::failed;
        return false;
      }
      Tensor total = zeros(edges[group[0]].shape(), DType::f64);
      for (std::size_t i : group) {
        Tensor g = grads[i];
        if (!g.defined()) continue;
        if (g.shape() != edges[i].shape()) {
          std::ostringstream shapes;
          shapes << g.shape() << " for input " << i << " of shape " << edges[i].shape();
          try {
            g = sum_to(g, edges[i].shape());
          } catch (const Error&) {
            c.note = "the rule returned a gradient of shape " + shapes.str() +
                     ", which it does not broadcast to";
            c.status = NodeCheckStatus::failed;
            return false;
          }
        }
        total = total + g.to(DType::f64);
      }
      out = u.defined() ? dot(total, u) : 0.0;
      if (gradient != nullptr) *gradient = total;
      return true;
    } catch (const Error& error) {
      c.note = std::string("the rule threw: ") + error.what();
      c.status = NodeCheckStatus::failed;
      return false;
    }
  }

  // Keeps the comparison with the largest error relative to its bound.
  void note_comparison(NodeInputCheck& c,
                       double analytic,
                       double numeric,
                       double& worst_ratio,
                       const Shape& input_index,
                       const Shape& output_index) const {
    const double error = std::abs(analytic - numeric);
    const double bound =
        options_.atol + options_.rtol * std::max(std::abs(analytic), std::abs(numeric));
    const double ratio = error / bound;
    c.max_abs_error = std::max(c.max_abs_error, error);
    c.max_rel_error = std::max(c.max_rel_error, error / std::max(std::abs(numeric), 1e-12));
    if (!(ratio <= 1)) c.status = NodeCheckStatus::failed;  // also catches NaN
    if (ratio > worst_ratio || std::isnan(ratio)) {
      worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
      c.analytic = analytic;
      c.numeric = numeric;
      c.worst_input_index = input_index;
      c.worst_output_index = output_index;
    }
  }

  void compare(std::size_t k, const std::vector<std::size_t>& group, NodeInputCheck& c) {
    Entry& e = recorder_.entries[k];
    const Source source = e.sources[group[0]];
    const bool small = numel(c.input_shape) <= options_.max_full_elements &&
                       numel(c.output_shape) <= options_.max_full_elements;
    if (options_.full && small) {
      jacobian(k, group, c);
      return;
    }
    double worst = -1;
    for (int r = 0; r < options_.projections; ++r) {
      const Tensor u = randn(c.input_shape, generator_, DType::f64);
      const Tensor plus = replay(k, source, u * options_.eps, false);
      const Tensor minus = replay(k, source, u * -options_.eps, false);
      const Tensor slope = (plus - minus) / (2 * options_.eps);
      const Tensor kink = kinks(plus, minus, e.fresh64, slope, options_.eps);
      c.kinks = std::max(c.kinks, static_cast<std::int64_t>(sum(kink).item<double>()));
      // The same v on both sides: drawn in the rule's dtype.
      const Tensor v = randn(c.output_shape, generator_, c.dtype) * (1.0 - kink).to(c.dtype);
      double analytic = 0;
      if (!analytic_dot(e, group, v, u, analytic, nullptr, c)) return;
      note_comparison(c, analytic, dot(v, slope), worst, Shape{}, Shape{});
    }
    if (c.status == NodeCheckStatus::failed && small) jacobian(k, group, c);
  }

  // The full Jacobian: a column of central differences per input element and
  // a row of the rule per output element; the verdict of the elements
  // replaces that of the projections.
  void jacobian(std::size_t k, const std::vector<std::size_t>& group, NodeInputCheck& c) {
    Entry& e = recorder_.entries[k];
    const Source source = e.sources[group[0]];
    const std::int64_t n = numel(c.input_shape);
    const std::int64_t m = numel(c.output_shape);
    std::vector<double> numeric(static_cast<std::size_t>(n * m));
    std::vector<bool> kink(static_cast<std::size_t>(n * m));
    for (std::int64_t j = 0; j < n; ++j) {
      const Tensor delta = unit(c.input_shape, j, options_.eps, DType::f64);
      const Tensor plus = replay(k, source, delta, false);
      const Tensor minus = replay(k, source, -delta, false);
      const Tensor slope = (plus - minus) / (2 * options_.eps);
      const std::vector<double> column = slope.to_vector<double>();
      const std::vector<double> at_kink =
          kinks(plus, minus, e.fresh64, slope, options_.eps).to_vector<double>();
      for (std::int64_t r = 0; r < m; ++r) {
        numeric[r * n + j] = column[r];
        kink[r * n + j] = at_kink[r] != 0;
      }
    }
    NodeInputCheck checked = c;
    checked.status = NodeCheckStatus::passed;
    checked.max_abs_error = checked.max_rel_error = 0;
    checked.kinks = 0;
    double worst = -1;
    for (std::int64_t r = 0; r < m; ++r) {
      Tensor row;
      double unused = 0;
      if (!analytic_dot(e, group, unit(c.output_shape, r, 1.0, c.dtype), Tensor(), unused, &row,
                        checked)) {
        c = checked;
        return;
      }
      const std::vector<double> analytic = row.to_vector<double>();
      for (std::int64_t j = 0; j < n; ++j) {
        if (kink[r * n + j]) {
          ++checked.kinks;
          continue;
        }
        note_comparison(checked, analytic[j], numeric[r * n + j], worst, unravel(j, c.input_shape),
                        unravel(r, c.output_shape));
      }
    }
    if (c.status == NodeCheckStatus::failed && checked.status == NodeCheckStatus::passed)
      checked.note = "the projections disagreed, but every element of the full Jacobian agrees";
    checked.localised = true;
    c = checked;
  }

  const NodeCheckFn& fn_;
  const NodeCheckOptions& options_;
  RandomState random_;
  Restorer restorer_;
  Recorder recorder_;
  LeafSwap leaves_;
  Generator generator_{options_.seed};
  std::size_t replays_ = 0;
};

void print_check(std::ostream& out, const NodeInputCheck& c) {
  out << "#" << c.node << " " << c.name << " (" << c.op << ")";
  if (!c.module.empty()) out << " in " << c.module;
  out << ", input " << c.input << " from " << c.source << " " << c.input_shape << ": ";
  switch (c.status) {
    case NodeCheckStatus::skipped:
      out << "skipped: " << c.note;
      return;
    case NodeCheckStatus::passed:
      out << "ok, max abs error " << c.max_abs_error;
      break;
    case NodeCheckStatus::failed:
      out << "MISMATCH";
      if (c.max_abs_error > 0 || c.analytic != c.numeric)
        out << ", max abs error " << c.max_abs_error << ", max rel error " << c.max_rel_error;
      if (c.localised) {
        out << "; worst at input index " << c.worst_input_index << " / output "
            << c.worst_output_index << ": analytic " << c.analytic << " vs numeric " << c.numeric;
      } else if (c.note.empty() || c.analytic != c.numeric) {
        out << "; worst projection: analytic " << c.analytic << " vs numeric " << c.numeric;
      }
      break;
  }
  if (c.kinks > 0) out << " (" << c.kinks << " output elements left out at kinks)";
  if (!c.note.empty()) out << " [" << c.note << "]";
}

}  // namespace

const NodeInputCheck* NodeCheckResult::first_failure() const {
  for (const NodeInputCheck& c : checks)
    if (c.status == NodeCheckStatus::failed) return &c;
  return nullptr;
}

std::string NodeCheckResult::report() const {
  std::ostringstream out;
  out << std::setprecision(6);
  std::size_t failed = 0, skipped = 0;
  for (const NodeInputCheck& c : checks) {
    failed += c.status == NodeCheckStatus::failed;
    skipped += c.status == NodeCheckStatus::skipped;
  }
  out << (ok ? "node check passed" : "node check FAILED") << ": " << checks.size() << " inputs of "
      << nodes << " nodes";
  if (failed > 0) out << ", " << failed << " failed";
  if (skipped > 0) out << ", " << skipped << " skipped";
  out << " (" << replays << " replays)\n";
  if (const NodeInputCheck* first = first_failure()) {
    out << "first failure: ";
    print_check(out, *first);
    out << "\n";
  }
  for (const NodeInputCheck& c : checks) {
    out << "  ";
    print_check(out, c);
    out << "\n";
  }
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const NodeCheckResult& result) {
  return out << result.report();
}

NodeCheckResult check_nodes(const NodeCheckFn& fn, const NodeCheckOptions& options) {
  NABLA_CHECK(fn != nullptr, "check_nodes", "the function is empty");
  NABLA_CHECK(options.eps > 0, "check_nodes", "eps must be positive, got ", options.eps);
  NABLA_CHECK(options.atol >= 0 && options.rtol >= 0, "check_nodes",
              "atol and rtol must be non-negative, got ", options.atol, " and ", options.rtol);
  NABLA_CHECK(options.projections >= 1, "check_nodes", "projections must be at least 1, got ",
              options.projections);
  return Checker(fn, options).run();
}

}  // namespace nabla::autograd
