#include "metrics/logs.h"

#include <sstream>

#include "tensor/error.h"

namespace nabla::metrics {

void Logs::set(std::string_view key, double value) {
  if (auto it = index_.find(key); it != index_.end()) {
    entries_[it->second].second = value;
    return;
  }
  index_.emplace(std::string(key), entries_.size());
  entries_.emplace_back(std::string(key), value);
}

const double* Logs::find(std::string_view key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

double Logs::at(std::string_view key) const {
  const double* value = find(key);
  if (value == nullptr) {
    std::ostringstream keys;
    for (const auto& [k, v] : entries_) keys << (keys.tellp() > 0 ? ", " : "") << k;
    NABLA_CHECK(false, "Logs", "no value named '", key, "' (have: ", keys.str(), ")");
  }
  return *value;
}

}  // namespace nabla::metrics
