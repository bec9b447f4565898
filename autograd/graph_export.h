// Graph export: the graph that produced a Variable as Graphviz DOT text, so it
// can be drawn (`dot -Tpng graph.dot -o graph.png`) and read like a blackboard
// figure. Each recorded op is a box labelled with its node name
// ("TanhBackward"), the shape of its output and the output's name; each leaf
// is an ellipse (blue for a leaf that requires grad, grey for a named
// constant, dashed for an unnamed constant); arrows run from an input to the
// op that consumed it, labelled with the argument position when the op has
// several inputs. The Variable the graph was exported from is drawn with a
// double border. Options add what micrograd's draw_dot shows (each node's
// value and gradient), the local rules, the modules as clusters, and the
// progress of a backward pass for step-by-step frames.
#pragma once

#include <string>
#include <vector>

#include "autograd/value_text.h"
#include "autograd/variable.h"

namespace nabla::autograd {

struct DotOptions {
  /// Adds the shapes of the tensors each node saved for its backward rule
  /// ("saved: [2, 3], [3]", or "saved: released" after a backward pass).
  bool show_saved = false;
  /// Adds the dtype to every label ("[2, 3] f64").
  bool show_dtype = false;
  /// Graphviz layout direction: "BT" puts the leaves at the bottom and the
  /// root at the top, as the graph is usually drawn; "LR" runs left to right.
  std::string rankdir = "BT";
  /// Adds each node's value ("value: 0.7071"): a leaf's value; an op's output
  /// when it was kept (autograd/kept_values.h) or is still saved for its rule,
  /// otherwise "value: not kept".
  bool show_values = false;
  /// Adds each gradient ("grad: 0.5"): a leaf's grad() ("grad: none yet"
  /// before a backward pass reaches it; constants have none); for an op, the
  /// gradient its output received in the last backward pass, kept by a
  /// KeepValuesGuard ("grad: not kept" for an op recorded outside one).
  bool show_grads = false;
  /// Adds each op's local derivative rule from the registry (op_list.h).
  bool show_rules = false;
  /// Draws each module (Node::scope()) as a cluster labelled with its path and
  /// type ("1 (Linear)"), nested as the modules are; an op sits in the
  /// cluster of the module that recorded it, a leaf that requires grad in the
  /// innermost module holding every op that uses it.
  bool module_clusters = false;
  /// Marks the leaves that require grad as parameters: a "parameter" title and
  /// a bold border.
  bool mark_parameters = false;
  /// Nodes whose backward rule has run, in order (BackwardStep::visited): the
  /// edges the gradient has travelled back along (into these ops, from inputs
  /// that need a gradient) are drawn in red; the last node is highlighted and
  /// its edges drawn thick.
  std::vector<const Node*> visited = {};
  /// How show_values and show_grads write tensors.
  ValueFormat value_format = {};
};

/// Returns the DOT text of the graph that produced `root`: every node
/// reachable from root.grad_fn() and every input of those nodes. The output is
/// deterministic: ids are given in discovery order (breadth-first from the
/// root, inputs in argument order). A leaf root gives a one-ellipse graph.
/// Throws nabla::Error for an undefined Variable, an unknown rankdir or a
/// negative value_format.values_up_to.
std::string to_dot(const Variable& root, const DotOptions& options = {});

/// Writes to_dot(root, options) to `path`. Throws nabla::Error naming the path
/// when the file cannot be written.
void write_dot(const Variable& root, const std::string& path, const DotOptions& options = {});

/// Renders the DOT file `dot_path` to `image_path` with Graphviz's `dot`; the
/// format follows the image's extension (.png, .svg or .pdf). Returns false,
/// without throwing, when `dot` is not installed. Throws nabla::Error when
/// dot_path cannot be read, image_path cannot be written (e.g. its directory
/// does not exist), the extension is unsupported, or dot fails.
bool render_dot(const std::string& dot_path, const std::string& image_path);

}  // namespace nabla::autograd
