#include "autograd/backward_observer.h"

#include <algorithm>

#include "autograd/trace_detail.h"

namespace nabla::autograd {

namespace {

// The observers registered on this thread, in registration order.
std::vector<BackwardObserver*>& registered() {
  thread_local std::vector<BackwardObserver*> observers;
  return observers;
}

}  // namespace

ObserverGuard::ObserverGuard(BackwardObserver& observer) : observer_(&observer) {
  registered().push_back(observer_);
}

ObserverGuard::~ObserverGuard() {
  // Guards normally end in reverse order; this one may outlive a later one.
  std::vector<BackwardObserver*>& list = registered();
  auto it = std::find(list.rbegin(), list.rend(), observer_);
  if (it != list.rend()) list.erase(std::next(it).base());
}

namespace detail {

Observers::Observers(std::ostream* trace) {
  const std::vector<BackwardObserver*>& others = registered();
  if (trace == nullptr && others.empty()) return;
  if (trace != nullptr) {
    text_trace_ = make_text_trace(*trace);
    list_.push_back(text_trace_.get());
  }
  list_.insert(list_.end(), others.begin(), others.end());
}

Observers::~Observers() {
  if (!running_) return;
  for (BackwardObserver* observer : list_) observer->abandon();
}

void Observers::begin(const Variable& root, const std::vector<Node*>& nodes) {
  running_ = true;
  for (BackwardObserver* observer : list_) observer->begin(root, nodes);
}

void Observers::before_rule(std::size_t step, const Node& node, const Tensor& grad_out) {
  for (BackwardObserver* observer : list_) observer->before_rule(step, node, grad_out);
}

void Observers::input(
    std::size_t step, const Node& node, std::size_t i, const Tensor& raw, const Tensor& grad) {
  for (BackwardObserver* observer : list_) observer->input(step, node, i, raw, grad);
}

void Observers::after_node(std::size_t step, const Node& node) {
  for (BackwardObserver* observer : list_) observer->after_node(step, node);
}

void Observers::end(const Variable& root) {
  running_ = false;
  for (BackwardObserver* observer : list_) observer->end(root);
}

}  // namespace detail
}  // namespace nabla::autograd
