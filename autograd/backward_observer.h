// Observers of the backward pass: what the tools that watch the engine work
// implement (the backward trace, the explain trace, kept gradients, the
// step-through API). The engine calls them at fixed points of its walk, and
// only when one is active: a pass without observers costs one test per node.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <iosfwd>
#include <memory>
#include <vector>

#include "autograd/node.h"

namespace nabla::autograd {

/// Watches backward passes. Every method has an empty default.
class BackwardObserver {
 public:
  BackwardObserver() = default;
  virtual ~BackwardObserver() = default;
  BackwardObserver(const BackwardObserver&) = delete;
  BackwardObserver& operator=(const BackwardObserver&) = delete;

  /// A pass from `root` starts; `nodes` are in the order they will run.
  virtual void begin(const Variable& /*root*/, const std::vector<Node*>& /*nodes*/) {}
  /// Node `step` (0-based) is about to run its rule on `grad_out` (after the
  /// hooks of its output); its saved tensors are still there.
  virtual void before_rule(std::size_t /*step*/, const Node& /*node*/, const Tensor& /*grad_out*/) {
  }
  /// What the rule gave input i: `raw` as the rule returned it (the output's
  /// broadcast shape), `grad` summed to the input's shape and cast to its
  /// dtype, about to be accumulated. Both are undefined when the input needs
  /// no gradient or the rule sent none.
  virtual void input(std::size_t /*step*/,
                     const Node& /*node*/,
                     std::size_t /*i*/,
                     const Tensor& /*raw*/,
                     const Tensor& /*grad*/) {}
  /// Every gradient of node `step` has been accumulated into its input.
  virtual void after_node(std::size_t /*step*/, const Node& /*node*/) {}
  /// The pass finished.
  virtual void end(const Variable& /*root*/) {}
  /// The pass stopped with an exception after begin().
  virtual void abandon() {}
};

/// Registers `observer` for the backward passes run on this thread during its
/// lifetime (observers registered later are called later).
class ObserverGuard {
 public:
  explicit ObserverGuard(BackwardObserver& observer);
  ~ObserverGuard();
  ObserverGuard(const ObserverGuard&) = delete;
  ObserverGuard& operator=(const ObserverGuard&) = delete;

 private:
  BackwardObserver* observer_;
};

namespace detail {

/// The observers of one pass, as the engine sees them: the text trace when
/// `trace` is set (BackwardOptions::trace or a TraceGuard), then those
/// registered on this thread. Calls abandon() on them if the pass does not
/// reach end().
class Observers {
 public:
  explicit Observers(std::ostream* trace);
  ~Observers();
  Observers(const Observers&) = delete;
  Observers& operator=(const Observers&) = delete;

  explicit operator bool() const { return !list_.empty(); }
  void begin(const Variable& root, const std::vector<Node*>& nodes);
  void before_rule(std::size_t step, const Node& node, const Tensor& grad_out);
  void input(
      std::size_t step, const Node& node, std::size_t i, const Tensor& raw, const Tensor& grad);
  void after_node(std::size_t step, const Node& node);
  void end(const Variable& root);

 private:
  boost::container::small_vector<BackwardObserver*, 4> list_;
  std::unique_ptr<BackwardObserver> text_trace_;
  bool running_ = false;
};

}  // namespace detail
}  // namespace nabla::autograd
