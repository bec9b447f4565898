#include "autograd/node.h"

#include <atomic>

#include "autograd/kept_values.h"

namespace nabla {

namespace {
std::atomic<std::uint64_t> next_sequence_nr{1};
}  // namespace

Node::Node(const char* name, EdgeList&& inputs, const Tensor& y)
    : name_(name),
      sequence_nr_(next_sequence_nr.fetch_add(1, std::memory_order_relaxed)),
      inputs_(std::move(inputs)),
      shape_(y.shape()),
      dtype_(y.dtype()),
      scope_(autograd::current_scope()) {
  static const Shape kNoShape{};
  for (Edge& edge : inputs_)
    edge.shape_ = edge.absent ? &kNoShape : edge.own_shape_ ? edge.own_shape_.get() : &shape_;
  if (autograd::detail::keep_values_depth > 0) [[unlikely]] {
    keeps_values_ = true;
    autograd::detail::keep_value(*this, y);
  }
}

// A chain of a million nodes would otherwise be destroyed recursively (each
// node's last reference to its input's node), overflowing the stack. The
// outermost destructor adopts every input node it solely owns and destroys them
// one at a time, so nested destructors find nothing left to adopt.
Node::~Node() {
  if (keeps_values_) [[unlikely]]
    autograd::detail::forget_values(*this);
  std::vector<std::shared_ptr<Node>> pending;
  take_unique_inputs(pending);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    node->take_unique_inputs(pending);
  }
}

void Node::take_unique_inputs(std::vector<std::shared_ptr<Node>>& out) {
  for (Edge& edge : inputs_) {
    if (edge.node != nullptr && edge.node.use_count() == 1) out.push_back(std::move(edge.node));
  }
}

void Node::release() {
  release_saved();
  released_ = true;
}

}  // namespace nabla
