// Logs: the named values of one batch or epoch ("loss", "accuracy",
// "val_loss", "lr", ...) in the order they were first set, as fit passes them
// to callbacks and stores them in the History.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nabla::metrics {

class Logs {
 public:
  using Entry = std::pair<std::string, double>;

  /// Sets `key` to `value`, appending the key if it is new.
  void set(std::string_view key, double value);
  /// The value under `key`, or null.
  const double* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  /// The value under `key`. Throws nabla::Error listing the keys present when absent.
  double at(std::string_view key) const;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
  // Key -> position in entries_: a History read from a file may hold epochs
  // of any number of keys, and a linear scan per key would make reading one
  // quadratic.
  std::map<std::string, std::size_t, std::less<>> index_;
};

}  // namespace nabla::metrics
