#include "autograd/kept_values.h"

#include <mutex>
#include <unordered_map>

namespace nabla::autograd {

namespace detail {
thread_local constinit int keep_values_depth = 0;
}  // namespace detail

namespace {

struct Kept {
  Tensor value;
  Tensor grad;
};

// One table for the process: a node may be created on one thread and freed on
// another. Only nodes recorded inside a KeepValuesGuard have an entry.
struct Table {
  std::mutex mutex;
  std::unordered_map<const Node*, Kept> entries;
};

Table& table() {
  static Table* t = new Table();  // never destroyed: nodes may outlive static destructors
  return *t;
}

}  // namespace

KeepValuesGuard::KeepValuesGuard() : observing_(keeper_) {
  ++detail::keep_values_depth;
}

KeepValuesGuard::~KeepValuesGuard() {
  --detail::keep_values_depth;
}

// A node that receives no gradient in this pass must not show the last pass's.
void KeepValuesGuard::GradKeeper::begin(const Variable& /*root*/, const std::vector<Node*>& nodes) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  for (const Node* node : nodes) {
    auto it = t.entries.find(node);
    if (it != t.entries.end()) it->second.grad = Tensor();
  }
}

void KeepValuesGuard::GradKeeper::before_rule(std::size_t /*step*/,
                                              const Node& node,
                                              const Tensor& grad_out) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  auto it = t.entries.find(&node);
  if (it != t.entries.end()) it->second.grad = grad_out;
}

Tensor kept_value(const Node& node) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  auto it = t.entries.find(&node);
  return it == t.entries.end() ? Tensor() : it->second.value;
}

Tensor kept_grad(const Node& node) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  auto it = t.entries.find(&node);
  return it == t.entries.end() ? Tensor() : it->second.grad;
}

bool keeps_values(const Node& node) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  return t.entries.count(&node) != 0;
}

namespace detail {

void keep_value(const Node& node, const Tensor& y) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  t.entries[&node] = Kept{y, Tensor()};
}

void forget_values(const Node& node) {
  Kept dropped;  // released outside the lock
  {
    Table& t = table();
    std::lock_guard lock(t.mutex);
    auto it = t.entries.find(&node);
    if (it == t.entries.end()) return;
    dropped = std::move(it->second);
    t.entries.erase(it);
  }
}

}  // namespace detail
}  // namespace nabla::autograd
