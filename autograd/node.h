// Node: one recorded operation of the graph. It knows its stable name
// ("TanhBackward"), its input edges in argument order (which of them need a
// gradient), the tensors it saved for the backward pass, and its backward rule.
// Nodes are created by record() (record.h) and run only by the engine
// (engine.cpp), which orders the walk, un-broadcasts and accumulates.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/scope.h"
#include "autograd/variable.h"
#include "tensor/tensor.h"

namespace nabla {

/// The inputs of an op, by reference, in argument order.
using VariableRefs = std::initializer_list<std::reference_wrapper<const Variable>>;

/// What a backward rule returns: one gradient per input in argument order, in
/// the output's broadcast shape (the engine sums it down to the input's shape).
/// An undefined Tensor means "no gradient" (zero, or an input that needs none).
class GradList : public boost::container::small_vector<Tensor, 2> {
 public:
  GradList() {}  // NOLINT(modernize-use-equals-default): `return {};` zeroes nothing
  /// `return {grad_out * b, grad_out * a};` moves the gradients in (a list
  /// initializer would copy each Tensor: two reference counts and 200 bytes).
  template <class... T>
  requires(sizeof...(T) > 0 && (std::is_convertible_v<T&&, Tensor> && ...))
      GradList(T&&... grads) {  // NOLINT(google-explicit-constructor)
    reserve(sizeof...(T));
    (emplace_back(std::forward<T>(grads)), ...);
  }
  template <std::input_iterator It>
  GradList(It first, It last) : small_vector(first, last) {}
};

/// One input of a Node.
struct Edge {
  std::shared_ptr<Node> node;              ///< producer of a non-leaf input
  std::shared_ptr<VariableImpl> variable;  ///< a leaf input that needs grad, or a named constant
  /// The input's shape (gradients are summed to it).
  const Shape& shape() const { return *shape_; }
  DType dtype = DType::f32;
  bool needs_grad = false;
  bool absent = false;  ///< an optional input that was not given (e.g. linear without bias)

 private:
  friend class Node;
  friend class Engine;
  // Most inputs have the output's shape (element-wise ops without
  // broadcasting, every scalar graph): their edges point at the node's own
  // shape, and only the others keep a copy, so that a node stays small.
  std::shared_ptr<const Shape> own_shape_;
  const Shape* shape_ = nullptr;
};

/// A node's inputs, stored inline for up to three (so a node is one allocation).
using EdgeList = boost::container::small_vector<Edge, 3>;

/// Which inputs of a rule need a gradient; rules skip the work for the others.
class NeedsGrad {
 public:
  explicit NeedsGrad(const EdgeList& inputs) : inputs_(&inputs) {}
  bool operator[](std::size_t i) const { return (*inputs_)[i].needs_grad; }

 private:
  const EdgeList* inputs_;
};

class Node {
 public:
  /// A node named `name` for the op that computed `y` from `inputs`, whose
  /// edges it makes in place.
  Node(const char* name, VariableRefs inputs, const Tensor& y);
  Node(const char* name, const std::vector<Variable>& inputs, const Tensor& y);
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// The stable op name ("TanhBackward"), shown in traces and graph exports.
  const char* name() const { return name_; }
  /// Creation order; a node's inputs were always created before it.
  std::uint64_t sequence_nr() const { return sequence_nr_; }
  const EdgeList& inputs() const { return inputs_; }
  bool needs_grad(std::size_t i) const { return inputs_[i].needs_grad; }
  NeedsGrad needs_grad_mask() const { return NeedsGrad(inputs_); }
  /// Shape and dtype of the Variable this node produced.
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  /// The module whose call recorded this node (see autograd/scope.h), or
  /// null for a node recorded outside every module.
  const autograd::Scope* scope() const { return scope_; }
  /// The name given to the output Variable (set_name), "" if none.
  const std::string& output_name() const { return output_name_; }
  void set_output_name(std::string name) { output_name_ = std::move(name); }

  /// The tensors kept for the backward pass (empty once released).
  virtual std::vector<Tensor> saved_tensors() const = 0;
  /// True once backward ran without retain_graph: the saved tensors are gone.
  bool released() const { return released_; }

  /// Runs the backward rule. Called by the engine only.
  virtual GradList apply(const Tensor& grad_out) = 0;
  /// Frees the saved tensors and the rule. Called by the engine only.
  void release();

  /// Hooks on the gradient of the output Variable (a non-leaf's hooks).
  std::vector<GradHook>& hooks() { return hooks_; }
  /// The output Variable when it retains its gradient.
  std::weak_ptr<VariableImpl>& retained() { return retained_; }

 protected:
  virtual void release_saved() = 0;

 private:
  friend class Engine;
  Node(const char* name, const Tensor& y);
  template <class Range>
  void add_inputs(const Range& inputs);
  void add_input(const Variable& v);
  void take_unique_inputs(std::vector<std::shared_ptr<Node>>& out);

  // What the backward pass reads of every node comes first, next to the
  // inputs, so that a node costs the engine few cache lines (a graph of ten
  // thousand scalar nodes does not fit in L2; the output name is read only by
  // errors and the explain tools).
  const char* name_;
  std::uint64_t sequence_nr_;
  bool released_ = false;
  bool keeps_values_ = false;  // recorded inside a KeepValuesGuard (autograd/kept_values.h)
  // Engine state during one backward pass: the pass's mark, and where in the
  // pass's table of gradients this node's output gradient is summed (the
  // table keeps the gradients out of the nodes, which are then smaller).
  std::uint64_t visit_mark_ = 0;
  std::size_t slot_ = 0;
  std::vector<GradHook> hooks_;
  std::weak_ptr<VariableImpl> retained_;
  EdgeList inputs_;
  Shape shape_;
  DType dtype_;
  const autograd::Scope* scope_;
  std::string output_name_;
};

}  // namespace nabla
