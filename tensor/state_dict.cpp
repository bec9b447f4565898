#include "tensor/state_dict.h"

#include "tensor/error.h"

namespace nabla {

void StateDict::insert(std::string key, Tensor value) {
  NABLA_CHECK(!key.empty(), "StateDict::insert", "empty key");
  const auto [it, inserted] = index_.try_emplace(key, entries_.size());
  NABLA_CHECK(inserted, "StateDict::insert", "duplicate key '", key, "'");
  try {
    entries_.emplace_back(std::move(key), std::move(value));
  } catch (...) {
    index_.erase(it);
    throw;
  }
}

void StateDict::insert_or_assign(const std::string& key, Tensor value) {
  if (auto it = index_.find(key); it != index_.end()) {
    entries_[it->second].second = std::move(value);
    return;
  }
  insert(key, std::move(value));
}

const Tensor* StateDict::find(const std::string& key) const {
  auto it = index_.find(key);
  return it != index_.end() ? &entries_[it->second].second : nullptr;
}

const Tensor& StateDict::at(const std::string& key) const {
  const Tensor* value = find(key);
  NABLA_CHECK(value != nullptr, "StateDict::at", "no entry named '", key, "'");
  return *value;
}

std::vector<std::string> StateDict::keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const auto& entry : entries_) keys.push_back(entry.first);
  return keys;
}

StateDict StateDict::clone() const {
  StateDict copy;
  copy.index_ = index_;
  copy.entries_.reserve(entries_.size());
  for (const auto& [key, value] : entries_)
    copy.entries_.emplace_back(key, value.defined() ? value.clone() : Tensor());
  return copy;
}

}  // namespace nabla
