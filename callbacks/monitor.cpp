#include "callbacks/monitor.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <limits>
#include <utility>

#include "tensor/error.h"

namespace nabla::callbacks {

namespace {

// Keras's "auto" knows only "acc"; the other names are the metrics of
// metrics/ where larger is better.
bool larger_is_better(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* part : {"acc", "auc", "precision", "recall", "f1", "r2"}) {
    if (key.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Monitor::Monitor(std::string key, MonitorMode mode, double min_delta, std::string owner)
    : key_(std::move(key)), min_delta_(min_delta), owner_(std::move(owner)) {
  NABLA_CHECK(!key_.empty(), owner_, "monitor must name a log key, got an empty string");
  NABLA_CHECK(std::isfinite(min_delta_) && min_delta_ >= 0.0, owner_,
              "invalid min_delta: ", min_delta_, " (must be finite and >= 0)");
  maximize_ =
      mode == MonitorMode::max || (mode == MonitorMode::automatic && larger_is_better(key_));
}

double Monitor::worst() const {
  const double inf = std::numeric_limits<double>::infinity();
  return maximize_ ? -inf : inf;
}

bool Monitor::is_improvement(double current, double reference) const {
  // Comparisons with NaN are false, so a NaN never improves anything.
  return maximize_ ? current > reference + min_delta_ : current < reference - min_delta_;
}

const double* Monitor::find(const metrics::Logs& logs) {
  const double* value = logs.find(key_);
  if (value == nullptr && !warned_) {
    warned_ = true;
    std::string keys;
    for (const auto& [k, v] : logs) keys += (keys.empty() ? "" : ", ") + k;
    std::cerr << owner_ << ": the monitored key '" << key_ << "' is not in the logs (have: " << keys
              << "); skipping\n";
  }
  return value;
}

}  // namespace nabla::callbacks
