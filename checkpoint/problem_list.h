// The problems a loader finds in a file, gathered into one error message of
// bounded size: a corrupted or hostile file may have millions of bad entries
// or names megabytes long, and the message must stay readable (and small)
// whatever it holds. Internal to checkpoint/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nabla::checkpoint {

/// At most this many problems are listed; the rest are counted.
inline constexpr std::size_t kMaxListedProblems = 20;

class ProblemList {
 public:
  /// Records a problem; only the first kMaxListedProblems are kept.
  void add(std::string problem);
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  /// "<one problem>" or "<n> problems:\n  <p1>\n  <p2>..." with at most
  /// kMaxListedProblems lines and "... and <k> more" after them.
  std::string text() const;

 private:
  std::vector<std::string> listed_;
  std::size_t count_ = 0;
};

}  // namespace nabla::checkpoint
