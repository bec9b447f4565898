// The explain trace's per-op knowledge (autograd/explain.h): which saved
// tensor of a node holds which input's or the output's value, and, for the
// ops a student meets first, the gradient each input receives written in
// symbols and with the numbers plugged in ("g · (1 − y²)" and
// "1 · (1 − 0.7071²)"). The symbols follow the registry's rule (op_list.h);
// the numbers are those the rule used. Not part of the public API.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "autograd/node.h"
#include "autograd/value_text.h"

namespace nabla::autograd::detail {

/// What is known about a node when its rule is written out.
struct RuleValues {
  const Node& node;
  const Tensor& grad_out;             ///< g, the gradient the node received
  const Tensor& output;               ///< y, or undefined when not known
  const std::vector<Tensor>& inputs;  ///< each input's value, or undefined when not known
  const std::vector<Tensor>& saved;   ///< the node's saved tensors, taken before its rule ran
  const ValueFormat& format;
};

/// The gradient a rule sends to one input, written out.
struct RuleText {
  std::string symbols;  ///< "g · (1 − y²)"; empty for an op without a rendering
  std::string numbers;  ///< "1 · (1 − 0.7071²)"; empty when the values are too large or unknown
};

/// How the rule of `values.node` computed the gradient `raw` of input i (raw
/// as the rule returned it, used to tell the variants of one node apart,
/// e.g. a mean from a sum).
RuleText rule_text(const RuleValues& values, std::size_t i, const Tensor& raw);

/// The name input i has in the node's rule ("x", "a", "W"), or "" when unknown.
std::string_view input_symbol(std::string_view node, std::size_t i);

/// The value of input i that `node` saved for its rule, or an undefined
/// Tensor. `saved` is node.saved_tensors() taken before the rule ran.
Tensor saved_input(const Node& node, const std::vector<Tensor>& saved, std::size_t i);

/// The output value that `node` saved for its rule, or an undefined Tensor.
Tensor saved_output(const Node& node, const std::vector<Tensor>& saved);

/// The node names this file knows, without their "Backward" ("Tanh"), so a
/// test can check each against the registry.
std::vector<std::string_view> known_ops();

}  // namespace nabla::autograd::detail
