#include "metrics/history.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "tensor/error.h"

namespace nabla::metrics {

void History::append(std::int64_t epoch, Logs logs) {
  epochs_.push_back(epoch);
  logs_.push_back(std::move(logs));
}

const Logs& History::at(std::int64_t i) const {
  NABLA_CHECK(i >= 0 && i < size(), "History::at", "index ", i, " is out of range for ", size(),
              " epochs");
  return logs_[static_cast<std::size_t>(i)];
}

std::vector<std::string> History::keys() const {
  std::vector<std::string> keys;
  for (const Logs& logs : logs_) {
    for (const auto& [key, value] : logs) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  return keys;
}

bool History::contains(std::string_view key) const {
  return std::any_of(logs_.begin(), logs_.end(),
                     [&](const Logs& logs) { return logs.contains(key); });
}

std::vector<double> History::operator[](std::string_view key) const {
  if (!contains(key)) {
    std::ostringstream names;
    for (const std::string& k : keys()) names << (names.tellp() > 0 ? ", " : "") << k;
    NABLA_CHECK(false, "History", "no series named '", key, "' (have: ", names.str(), ")");
  }
  std::vector<double> series;
  series.reserve(logs_.size());
  for (const Logs& logs : logs_) {
    const double* value = logs.find(key);
    series.push_back(value ? *value : std::numeric_limits<double>::quiet_NaN());
  }
  return series;
}

void History::extend(const History& other) {
  epochs_.insert(epochs_.end(), other.epochs_.begin(), other.epochs_.end());
  logs_.insert(logs_.end(), other.logs_.begin(), other.logs_.end());
}

}  // namespace nabla::metrics
