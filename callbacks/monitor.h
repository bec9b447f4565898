// Monitor: the monitored quantity shared by EarlyStopping, ModelCheckpoint and
// ReduceLROnPlateau: which log key, whether smaller or larger is better, what
// counts as an improvement, and the one-time warning when the key is missing.
#pragma once

#include <string>

#include "metrics/logs.h"

namespace nabla::callbacks {

/// Whether a smaller (min) or a larger (max) value of the monitored quantity
/// is better; automatic picks from its name (see Monitor).
enum class MonitorMode { automatic, min, max };

/// One monitored log key with its direction and minimum improvement.
class Monitor {
 public:
  /// `owner` names the callback in messages ("EarlyStopping"). The direction
  /// is max for mode max, min for mode min, and for mode automatic max when
  /// the key (lowercased) contains "acc", "auc", "precision", "recall", "f1"
  /// or "r2", min otherwise. Throws nabla::Error naming `owner` for an empty
  /// key and a negative or non-finite min_delta.
  Monitor(std::string key, MonitorMode mode, double min_delta, std::string owner);

  const std::string& key() const { return key_; }
  /// True when larger values are better.
  bool maximize() const { return maximize_; }
  double min_delta() const { return min_delta_; }
  /// The worst possible value, where a best-so-far starts: +∞ (min) or −∞ (max).
  double worst() const;

  /// current < reference − min_delta (min) or current > reference + min_delta
  /// (max). False when either is NaN.
  bool is_improvement(double current, double reference) const;

  /// The monitored value in `logs`, or null. The first time it is missing a
  /// warning naming the key and the keys present goes to stderr; later
  /// misses are silent.
  const double* find(const metrics::Logs& logs);

 private:
  std::string key_;
  bool maximize_;
  double min_delta_;
  std::string owner_;
  bool warned_ = false;
};

}  // namespace nabla::callbacks
