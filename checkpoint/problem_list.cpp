#include "checkpoint/problem_list.h"

#include <utility>

namespace nabla::checkpoint {

std::string shorten(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  // Back up to the first byte of a character (continuation bytes are 10xxxxxx).
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "... (" + std::to_string(text.size()) + " bytes)";
}

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
