#include "checkpoint/problem_list.h"

#include <utility>

namespace nabla::checkpoint {

void ProblemList::add(std::string problem) {
  ++count_;
  if (listed_.size() < kMaxListedProblems) listed_.push_back(std::move(problem));
}

std::string ProblemList::text() const {
  if (count_ == 1) return listed_.front();
  std::string out = std::to_string(count_) + " problems:";
  for (const std::string& p : listed_) out += "\n  " + p;
  if (count_ > listed_.size())
    out += "\n  ... and " + std::to_string(count_ - listed_.size()) + " more";
  return out;
}

}  // namespace nabla::checkpoint
