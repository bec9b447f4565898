#include "metrics/logs.h"

#include <sstream>

#include "tensor/error.h"

namespace nabla::metrics {

void Logs::set(std::string_view key, double value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v = value;
      return;
    }
  }
  entries_.emplace_back(std::string(key), value);
}

const double* Logs::find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
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
