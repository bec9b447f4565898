// StateDict: named tensors in insertion order. It is what a Module's
// state_dict() and an Optimizer's state_dict() return and what checkpoints
// store, so it lives in the tensor layer that both nn and optim may use.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace nabla {

class StateDict {
 public:
  using Entry = std::pair<std::string, Tensor>;

  /// Appends `value` under `key`. Throws nabla::Error for an empty or duplicate key.
  void insert(std::string key, Tensor value);
  /// Replaces the value under an existing key or appends a new entry.
  void insert_or_assign(const std::string& key, Tensor value);

  bool contains(const std::string& key) const { return find(key) != nullptr; }
  /// The tensor under `key`, or null.
  const Tensor* find(const std::string& key) const;
  /// The tensor under `key`. Throws nabla::Error naming the key when it is absent.
  const Tensor& at(const std::string& key) const;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<std::string> keys() const;

  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

  /// A deep copy (every tensor cloned), e.g. to keep the best weights while
  /// training goes on.
  StateDict clone() const;

 private:
  std::vector<Entry> entries_;
  // Key -> position in entries_: a file may hold a million entries, and a
  // linear scan per insert or lookup would make loading it quadratic.
  std::map<std::string, std::size_t, std::less<>> index_;
};

}  // namespace nabla
