// Printing tensors, NumPy-style. The elements are read through the tensor's
// strides (no copy, so any view prints), the visible ones are formatted first
// so that every column gets the same width, and the nested brackets are laid
// out with one row per line and a blank line between higher-dimensional blocks.
#include "tensor/print.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace nabla {
namespace {

// As NumPy's threshold and edgeitems: a tensor with more elements than this has
// every dimension longer than 2 * kEdgeItems elided to its first and last
// kEdgeItems entries.
constexpr std::int64_t kSummaryThreshold = 1000;
constexpr std::int64_t kEdgeItems = 3;
// Fixed notation with 4 decimals, unless the magnitudes would lose their
// digits in it (too large to read, or too small to show a significant digit).
constexpr double kSciAbove = 1e8;
constexpr double kSciBelow = 1e-4;
// Length of "tensor(", the indentation of every row after the first.
constexpr int kPrefixWidth = 7;
// Marks an elided run of indices in a dimension's index list.
constexpr std::int64_t kEllipsis = -1;

// What a cell holds before formatting: i64 values stay exact, floats widen to double.
struct Element {
  double f = 0.0;
  std::int64_t i = 0;
};

class Printer {
 public:
  explicit Printer(const Tensor& t) : t_(t), summarize_(t.numel() > kSummaryThreshold) {}

  std::string run() {
    collect(0, 0);
    choose_format();
    std::vector<std::string> cells;
    cells.reserve(elements_.size());
    std::size_t width = 0;
    for (const Element& e : elements_) {
      cells.push_back(format(e));
      width = std::max(width, cells.back().size());
    }
    cells_ = std::move(cells);
    width_ = width;
    std::string out;
    next_cell_ = 0;
    layout(out, 0);
    return out;
  }

 private:
  // The indices of dimension `d` that are shown, with kEllipsis where a run is elided.
  std::vector<std::int64_t> visible(std::int64_t d) const {
    const std::int64_t n = t_.shape()[d];
    std::vector<std::int64_t> idx;
    if (summarize_ && n > 2 * kEdgeItems) {
      for (std::int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
      idx.push_back(kEllipsis);
      for (std::int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
    } else {
      for (std::int64_t i = 0; i < n; ++i) idx.push_back(i);
    }
    return idx;
  }

  // Reads the visible elements in print order; `offset` is in elements from raw_data().
  void collect(std::int64_t d, std::int64_t offset) {
    if (d == t_.dim()) {
      Element e;
      const char* base = static_cast<const char*>(t_.raw_data());
      const auto at = offset * static_cast<std::int64_t>(t_.element_size());
      switch (t_.dtype()) {
        case DType::f32:
          e.f = *reinterpret_cast<const float*>(base + at);
          break;
        case DType::f64:
          e.f = *reinterpret_cast<const double*>(base + at);
          break;
        case DType::i64:
          e.i = *reinterpret_cast<const std::int64_t*>(base + at);
          break;
      }
      elements_.push_back(e);
      return;
    }
    for (std::int64_t i : visible(d))
      if (i != kEllipsis) collect(d + 1, offset + i * t_.strides()[d]);
  }

  void choose_format() {
    if (!is_floating(t_.dtype())) return;
    double largest = 0.0;
    double smallest_nonzero = INFINITY;
    for (const Element& e : elements_) {
      if (!std::isfinite(e.f) || e.f == 0.0) continue;
      largest = std::max(largest, std::abs(e.f));
      smallest_nonzero = std::min(smallest_nonzero, std::abs(e.f));
    }
    scientific_ = largest >= kSciAbove || smallest_nonzero < kSciBelow;
  }

  std::string format(const Element& e) const {
    if (!is_floating(t_.dtype())) return std::to_string(e.i);
    if (std::isnan(e.f)) return "nan";
    if (std::isinf(e.f)) return e.f > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, scientific_ ? "%.4e" : "%.4f", e.f);
    return buf;
  }

  // Writes dimension `d` and everything below it: cells right-aligned to the
  // common width, ", " within a row, and between rows a line break (one more
  // blank line per level above the rows) and the indentation of the bracket.
  void layout(std::string& out, std::int64_t d) {
    const std::int64_t rank = t_.dim();
    if (d == rank) {
      const std::string& cell = cells_[next_cell_++];
      out.append(width_ - cell.size(), ' ');
      out += cell;
      return;
    }
    out += '[';
    const std::vector<std::int64_t> idx = visible(d);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      if (k > 0) {
        out += ',';
        if (d == rank - 1) {
          out += ' ';
        } else {
          out.append(static_cast<std::size_t>(rank - d - 1), '\n');
          out.append(static_cast<std::size_t>(kPrefixWidth + d + 1), ' ');
        }
      }
      if (idx[k] == kEllipsis)
        out += "...";
      else
        layout(out, d + 1);
    }
    out += ']';
  }

  const Tensor& t_;
  const bool summarize_;
  bool scientific_ = false;
  std::vector<Element> elements_;
  std::vector<std::string> cells_;
  std::size_t width_ = 0;
  std::size_t next_cell_ = 0;
};

}  // namespace

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  return out << to_string(t);
}

std::string to_string(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  std::ostringstream out;
  out << "tensor(";
  if (t.numel() == 0)
    out << "[]";
  else
    out << Printer(t).run();
  out << ", shape=" << t.shape() << ", dtype=" << t.dtype() << ')';
  return out.str();
}

}  // namespace nabla
