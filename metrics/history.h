// History: what fit returns, one Logs per epoch ("loss", metrics, their
// "val_" counterparts, "lr"), as Keras's History.history.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/logs.h"

namespace nabla::metrics {

class History {
 public:
  /// Records the logs of `epoch` (0-based).
  void append(std::int64_t epoch, Logs logs);

  /// The number of epochs recorded.
  std::int64_t size() const { return static_cast<std::int64_t>(logs_.size()); }
  bool empty() const { return logs_.empty(); }
  /// The epoch numbers recorded, in order.
  const std::vector<std::int64_t>& epochs() const { return epochs_; }
  /// The logs of the i-th recorded epoch.
  const Logs& at(std::int64_t i) const;
  const std::vector<Logs>& logs() const { return logs_; }

  /// Every key seen, in order of first appearance.
  std::vector<std::string> keys() const;
  bool contains(std::string_view key) const;
  /// The series of `key`, one value per recorded epoch (NaN where an epoch
  /// lacks it). Throws nabla::Error listing the keys for an unknown key.
  std::vector<double> operator[](std::string_view key) const;

  /// Appends the epochs of `other` (a resumed run continuing this one).
  void extend(const History& other);

 private:
  std::vector<std::int64_t> epochs_;
  std::vector<Logs> logs_;
};

}  // namespace nabla::metrics
