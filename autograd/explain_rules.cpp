#include "autograd/explain_rules.h"

#include <array>
#include <initializer_list>
#include <string>
#include <unordered_map>

#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"

namespace nabla::autograd::detail {

namespace {

constexpr int kNone = -1;

// A node's values as the renderings use them.
class Ctx {
 public:
  Ctx(const RuleValues& values, const Tensor& raw) : v_(values), raw_(raw) {}

  const Tensor& g() const { return v_.grad_out; }
  const Tensor& y() const { return v_.output; }
  const Tensor& in(std::size_t i) const { return v_.inputs[i]; }
  const Tensor& raw() const { return raw_; }
  const Node& node() const { return v_.node; }
  const std::vector<Tensor>& saved() const { return v_.saved; }

  // Whether every tensor is known and small enough to be written out.
  bool small(std::initializer_list<const Tensor*> tensors) const {
    for (const Tensor* t : tensors)
      if (!writes_values(*t, v_.format)) return false;
    return true;
  }

  // A tensor as an operand: a negative number in parentheses, "0.5 · (-3)".
  std::string op(const Tensor& t) const {
    std::string text = format_tensor(t, v_.format);
    return t.dim() == 0 && text.starts_with('-') ? "(" + text + ")" : text;
  }

  // A tensor as a function's argument: "sign(-2)".
  std::string arg(const Tensor& t) const { return format_tensor(t, v_.format); }

 private:
  const RuleValues& v_;
  const Tensor& raw_;
};

// symbols, with numbers when every tensor they need is written out.
template <class Numbers>
RuleText text(std::string symbols,
              const Ctx& c,
              std::initializer_list<const Tensor*> needs,
              Numbers numbers) {
  return {std::move(symbols), c.small(needs) ? numbers() : std::string()};
}

// prefix + text, out of line: GCC 12 warns falsely (-Wrestrict) about an
// inlined "literal" + std::string.
[[gnu::noinline]] std::string prefixed(const char* prefix, const std::string& text) {
  std::string out(prefix);
  out += text;
  return out;
}

RuleText symbols_only(std::string symbols) {
  return {std::move(symbols), std::string()};
}

// The scalar s of x·s or x/s, read off the forward values: s = y/x (or x/y)
// at the first element where the divisor is not 0. Undefined when unknown.
Tensor scalar_operand(const Tensor& numerator, const Tensor& denominator) {
  if (!numerator.defined() || !denominator.defined()) return Tensor();
  const std::vector<double> n = numerator.to_vector<double>();
  const std::vector<double> d = denominator.to_vector<double>();
  for (std::size_t k = 0; k < n.size() && k < d.size(); ++k)
    if (d[k] != 0) return full({}, n[k] / d[k], DType::f64);
  return Tensor();
}

// How many input elements each output element of a reduction sums: n of a mean.
std::int64_t reduced_count(const Node& node) {
  const std::int64_t out = numel(node.shape());
  return out == 0 ? 0 : numel(node.inputs()[0].shape()) / out;
}

// The factor of a loss's reduction, found by comparing what the rule sent
// with `per_element` (the gradient before the reduction's scaling): 1/n for
// a mean, 1 for a sum or no reduction. 0 when neither matches.
double reduction_scale(const Tensor& raw, const Tensor& per_element, std::int64_t n) {
  if (allclose(raw, per_element, 1e-5, 1e-7)) return 1.0;
  if (n > 0 && allclose(raw, per_element / static_cast<double>(n), 1e-5, 1e-7))
    return 1.0 / static_cast<double>(n);
  return 0.0;
}

// softmax + cross-entropy: ∂L/∂z = g · (p − onehot(t)), divided by N for the mean.
RuleText softmax_cross_entropy(const Ctx& c) {
  if (c.saved().size() != 2) return symbols_only("g · (p − onehot(t))");
  const Tensor p = exp(c.saved()[0]);
  const Tensor& t = c.saved()[1];
  const bool labels = t.dtype() == DType::i64;
  const Tensor target = labels ? one_hot(t, p.size(1), p.dtype()) : t;
  // Soft targets whose rows do not sum to 1 keep the general rule.
  if (!labels && !allclose(sum(target, {1}), ones({p.size(0)}, p.dtype()), 1e-6, 1e-9))
    return symbols_only("g · (p·Σ_c t_c − t)");
  const std::string diff = labels ? "(p − onehot(t))" : "(p − t)";
  // A per-row loss sends g row by row; a reduced one is a scalar.
  const Tensor g = c.g().dim() == 1 ? unsqueeze(c.g(), 1) : c.g();
  const std::int64_t n = p.size(0);
  const double scale = reduction_scale(c.raw(), g * (p - target), n);
  const std::string symbols = "g · " + diff + (scale != 1.0 && scale != 0.0 ? " / N" : "");
  if (scale == 0.0) return symbols_only(symbols);
  return text(symbols, c, {&g, &p, &target}, [&] {
    std::string numbers = c.op(g) + " · (" + c.op(p) + " − " + c.op(target) + ")";
    if (scale != 1.0) numbers += " / " + std::to_string(n);
    return numbers;
  });
}

using Render = RuleText (*)(const Ctx&, std::size_t);

struct Spec {
  std::array<std::string_view, 3> symbols;  // the inputs' names in the rule
  std::array<int, 3> input_saved;           // which saved tensor holds each input's value
  int output_saved;                         // which saved tensor holds the output
  Render render;                            // null: symbols of the registry only
};

// Keyed by the node name without "Backward" ("Tanh" for TanhBackward), so that
// each full node name stays in one place of autograd/*.cpp, its rule. The
// saved indices follow the save(...) calls of autograd/<family>.cpp; the
// explain tests check each rendering against values computed by hand.
const std::unordered_map<std::string_view, Spec>& specs() {
  static const std::unordered_map<std::string_view, Spec> table{
      {"Add",
       {{"a", "b"},
        {kNone, kNone},
        kNone,
        [](const Ctx&, std::size_t) { return symbols_only("g"); }}},
      {"AddScalar",
       {{"x"}, {kNone}, kNone, [](const Ctx&, std::size_t) { return symbols_only("g"); }}},
      {"Sub",
       {{"a", "b"},
        {kNone, kNone},
        kNone,
        [](const Ctx& c, std::size_t i) {
          return i == 0 ? symbols_only("g")
                        : text("−g", c, {&c.g()}, [&] { return prefixed("-", c.op(c.g())); });
        }}},
      {"ScalarSub",
       {{"x"},
        {kNone},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("−g", c, {&c.g()}, [&] { return prefixed("-", c.op(c.g())); });
        }}},
      {"Neg",
       {{"x"},
        {kNone},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("−g", c, {&c.g()}, [&] { return prefixed("-", c.op(c.g())); });
        }}},
      {"Mul",
       {{"a", "b"},
        {0, 1},
        kNone,
        [](const Ctx& c, std::size_t i) {
          const Tensor& other = c.in(1 - i);
          return text(i == 0 ? "g · b" : "g · a", c, {&c.g(), &other},
                      [&] { return c.op(c.g()) + " · " + c.op(other); });
        }}},
      {"MulScalar",
       {{"x"},
        {kNone},
        kNone,
        [](const Ctx& c, std::size_t) {
          const Tensor s = scalar_operand(c.y(), c.in(0));
          return text("g · s", c, {&c.g(), &s}, [&] { return c.op(c.g()) + " · " + c.op(s); });
        }}},
      {"Div",
       {{"a", "b"},
        {0, 1},
        kNone,
        [](const Ctx& c, std::size_t i) {
          if (i == 0)
            return text("g / b", c, {&c.g(), &c.in(1)},
                        [&] { return c.op(c.g()) + " / " + c.op(c.in(1)); });
          return text("−g · a / b²", c, {&c.g(), &c.in(0), &c.in(1)}, [&] {
            return prefixed("-", c.op(c.g())) + " · " + c.op(c.in(0)) + " / " + c.op(c.in(1)) + "²";
          });
        }}},
      {"DivScalar",
       {{"x"},
        {kNone},
        kNone,
        [](const Ctx& c, std::size_t) {
          const Tensor s = scalar_operand(c.in(0), c.y());
          return text("g / s", c, {&c.g(), &s}, [&] { return c.op(c.g()) + " / " + c.op(s); });
        }}},
      {"ScalarDiv",
       {{"x"},
        {0},
        1,
        [](const Ctx& c, std::size_t) {
          return text("−g · y / x", c, {&c.g(), &c.y(), &c.in(0)}, [&] {
            return prefixed("-", c.op(c.g())) + " · " + c.op(c.y()) + " / " + c.op(c.in(0));
          });
        }}},
      {"Pow", {{"a", "b"}, {0, 1}, 2, nullptr}},
      {"PowScalar", {{"x"}, {0}, kNone, nullptr}},
      {"ScalarPow", {{"x"}, {0}, 1, nullptr}},
      {"Maximum", {{"a", "b"}, {0, 1}, kNone, nullptr}},
      {"Minimum", {{"a", "b"}, {0, 1}, kNone, nullptr}},
      {"Abs",
       {{"x"},
        {0},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("g · sign(x)", c, {&c.g(), &c.in(0)},
                      [&] { return c.op(c.g()) + " · sign(" + c.arg(c.in(0)) + ")"; });
        }}},
      {"Sign",
       {{"x"}, {kNone}, kNone, [](const Ctx&, std::size_t) { return symbols_only("g · 0"); }}},
      {"Square",
       {{"x"},
        {0},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("g · 2x", c, {&c.g(), &c.in(0)},
                      [&] { return c.op(c.g()) + " · 2 · " + c.op(c.in(0)); });
        }}},
      {"Exp",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          return text("g · y", c, {&c.g(), &c.y()},
                      [&] { return c.op(c.g()) + " · " + c.op(c.y()); });
        }}},
      {"Log",
       {{"x"},
        {0},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("g / x", c, {&c.g(), &c.in(0)},
                      [&] { return c.op(c.g()) + " / " + c.op(c.in(0)); });
        }}},
      {"Log1p",
       {{"x"},
        {0},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("g / (1 + x)", c, {&c.g(), &c.in(0)},
                      [&] { return c.op(c.g()) + " / (1 + " + c.op(c.in(0)) + ")"; });
        }}},
      {"Sqrt",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          return text("g / (2y)", c, {&c.g(), &c.y()},
                      [&] { return c.op(c.g()) + " / (2 · " + c.op(c.y()) + ")"; });
        }}},
      {"Rsqrt",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          return text("−g · y³ / 2", c, {&c.g(), &c.y()},
                      [&] { return prefixed("-", c.op(c.g())) + " · " + c.op(c.y()) + "³ / 2"; });
        }}},
      {"Reciprocal",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          return text("−g · y²", c, {&c.g(), &c.y()},
                      [&] { return prefixed("-", c.op(c.g())) + " · " + c.op(c.y()) + "²"; });
        }}},
      {"Sin",
       {{"x"},
        {0},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("g · cos x", c, {&c.g(), &c.in(0)},
                      [&] { return c.op(c.g()) + " · cos(" + c.arg(c.in(0)) + ")"; });
        }}},
      {"Cos",
       {{"x"},
        {0},
        kNone,
        [](const Ctx& c, std::size_t) {
          return text("−g · sin x", c, {&c.g(), &c.in(0)}, [&] {
            return prefixed("-", c.op(c.g())) + " · sin(" + c.arg(c.in(0)) + ")";
          });
        }}},
      {"Tanh",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          return text("g · (1 − y²)", c, {&c.g(), &c.y()},
                      [&] { return c.op(c.g()) + " · (1 − " + c.op(c.y()) + "²)"; });
        }}},
      {"Sigmoid",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          return text("g · y · (1 − y)", c, {&c.g(), &c.y()}, [&] {
            return c.op(c.g()) + " · " + c.op(c.y()) + " · (1 − " + c.op(c.y()) + ")";
          });
        }}},
      {"Relu",
       {{"x"},
        {kNone},
        0,
        [](const Ctx& c, std::size_t) {
          const Tensor positive = c.y().defined() ? gt(c.y(), 0.0) : Tensor();
          return text("g · [y > 0]", c, {&c.g(), &positive},
                      [&] { return c.op(c.g()) + " · " + c.op(positive); });
        }}},
      {"LeakyRelu", {{"x"}, {0}, kNone, nullptr}},
      {"Elu", {{"x"}, {0}, 1, nullptr}},
      {"Gelu", {{"x"}, {0}, 1, nullptr}},
      {"Softplus", {{"x"}, {0}, kNone, nullptr}},
      {"Clamp", {{"x"}, {0}, kNone, nullptr}},
      {"Sum",
       {{"x"},
        {kNone},
        kNone,
        [](const Ctx&, std::size_t) { return symbols_only("g, copied to each element"); }}},
      {"Mean",
       {{"x"},
        {kNone},
        kNone,
        [](const Ctx& c, std::size_t) {
          const std::int64_t n = reduced_count(c.node());
          return text("g / n, copied to each element", c, {&c.g()},
                      [&] { return c.op(c.g()) + " / " + std::to_string(n); });
        }}},
      {"Prod", {{"x"}, {0}, kNone, nullptr}},
      {"Var", {{"x"}, {0}, kNone, nullptr}},
      {"Std", {{"x"}, {0}, 1, nullptr}},
      {"Amax", {{"x"}, {0}, 1, nullptr}},
      {"Amin", {{"x"}, {0}, 1, nullptr}},
      {"Logsumexp", {{"x"}, {0}, 1, nullptr}},
      {"Norm", {{"x"}, {0}, 1, nullptr}},
      {"Matmul",
       {{"A", "B"},
        {0, 1},
        kNone,
        [](const Ctx& c, std::size_t i) {
          if (i == 0)
            return text("g·Bᵀ", c, {&c.g(), &c.in(1)},
                        [&] { return c.op(c.g()) + " · " + c.op(c.in(1)) + "ᵀ"; });
          return text("Aᵀ·g", c, {&c.in(0), &c.g()},
                      [&] { return c.op(c.in(0)) + "ᵀ · " + c.op(c.g()); });
        }}},
      {"Linear",
       {{"x", "W", "b"},
        {0, 1, kNone},
        kNone,
        [](const Ctx& c, std::size_t i) {
          if (i == 0)
            return text("g·Wᵀ", c, {&c.g(), &c.in(1)},
                        [&] { return c.op(c.g()) + " · " + c.op(c.in(1)) + "ᵀ"; });
          if (i == 1)
            return text("xᵀ·g", c, {&c.in(0), &c.g()},
                        [&] { return c.op(c.in(0)) + "ᵀ · " + c.op(c.g()); });
          return text("Σ_rows g", c, {&c.g()}, [&] { return prefixed("Σ_rows ", c.op(c.g())); });
        }}},
      {"Softmax", {{"x"}, {kNone}, 0, nullptr}},
      {"LogSoftmax", {{"x"}, {kNone}, 0, nullptr}},
      {"SoftmaxCrossEntropy",
       {{"z"}, {kNone}, kNone, [](const Ctx& c, std::size_t) { return softmax_cross_entropy(c); }}},
      {"BinaryCrossEntropyWithLogits", {{"z", "t"}, {0, 1}, kNone, nullptr}},
  };
  return table;
}

const Spec* find_spec(std::string_view node) {
  constexpr std::string_view suffix = "Backward";
  if (!node.ends_with(suffix)) return nullptr;
  const auto& table = specs();
  auto it = table.find(node.substr(0, node.size() - suffix.size()));
  return it == table.end() ? nullptr : &it->second;
}

// The saved tensor at `index`, if the node saved that many.
Tensor saved_at(const std::vector<Tensor>& saved, int index) {
  return index >= 0 && static_cast<std::size_t>(index) < saved.size() ? saved[index] : Tensor();
}

}  // namespace

RuleText rule_text(const RuleValues& values, std::size_t i, const Tensor& raw) {
  const Spec* spec = find_spec(values.node.name());
  if (spec == nullptr || spec->render == nullptr) return {};
  return spec->render(Ctx(values, raw), i);
}

std::string_view input_symbol(std::string_view node, std::size_t i) {
  const Spec* spec = find_spec(node);
  return spec == nullptr || i >= spec->symbols.size() ? std::string_view() : spec->symbols[i];
}

Tensor saved_input(const Node& node, const std::vector<Tensor>& saved, std::size_t i) {
  const Spec* spec = find_spec(node.name());
  if (spec == nullptr || i >= spec->input_saved.size()) return Tensor();
  return saved_at(saved, spec->input_saved[i]);
}

std::vector<std::string_view> known_ops() {
  std::vector<std::string_view> out;
  for (const auto& entry : specs()) out.push_back(entry.first);
  return out;
}

Tensor saved_output(const Node& node, const std::vector<Tensor>& saved) {
  const Spec* spec = find_spec(node.name());
  return spec == nullptr ? Tensor() : saved_at(saved, spec->output_saved);
}

}  // namespace nabla::autograd::detail
