#include "metrics/confusion_matrix.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>

#include "tensor/error.h"
#include "tensor/factory.h"

namespace nabla::metrics {
namespace {

// The text of one entry of a matrix to format.
std::string entry_text(double v, bool integral) {
  char buf[64];
  if (integral) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  }
  return buf;
}

void pad_left(std::ostringstream& out, const std::string& s, std::size_t width) {
  out << std::string(width > s.size() ? width - s.size() : 0, ' ') << s;
}

void pad_right(std::ostringstream& out, const std::string& s, std::size_t width) {
  out << s << std::string(width > s.size() ? width - s.size() : 0, ' ');
}

}  // namespace

Tensor confusion_matrix(const Tensor& predicted, const Tensor& actual, std::int64_t num_classes) {
  NABLA_CHECK(num_classes >= 1 && num_classes <= kMaxConfusionClasses, "confusion_matrix",
              "num_classes must be in [1, ", kMaxConfusionClasses, "], got ", num_classes);
  const std::vector<std::int64_t> p =
      read_labels(predicted, num_classes, "confusion_matrix", "predicted");
  const std::vector<std::int64_t> a =
      read_labels(actual, num_classes, "confusion_matrix", "actual");
  NABLA_CHECK(p.size() == a.size(), "confusion_matrix", "predicted ", predicted.shape(),
              " and actual ", actual.shape(), " hold different numbers of samples");
  std::vector<std::int64_t> counts(static_cast<std::size_t>(num_classes * num_classes), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    ++counts[static_cast<std::size_t>(a[i] * num_classes + p[i])];
  }
  return from_vector(counts, Shape{num_classes, num_classes});
}

std::string format_confusion_matrix(const Tensor& cm,
                                    const std::vector<std::string>& class_names,
                                    bool show_recall) {
  NABLA_CHECK(cm.defined() && cm.dim() == 2 && cm.size(0) == cm.size(1), "format_confusion_matrix",
              "expected a square matrix [k, k], got ", cm.defined() ? cm.shape() : Shape{});
  const std::int64_t k = cm.size(0);
  NABLA_CHECK(class_names.empty() || static_cast<std::int64_t>(class_names.size()) == k,
              "format_confusion_matrix", class_names.size(), " class names for ", k, " classes");
  const auto uk = static_cast<std::size_t>(k);
  std::vector<std::string> names = class_names;
  if (names.empty()) {
    for (std::int64_t c = 0; c < k; ++c) names.push_back(std::to_string(c));
  }

  const std::vector<double> v = cm.to_vector<double>();
  const bool integral = cm.dtype() == DType::i64;
  const std::string corner = "actual \\ predicted";
  std::size_t label_width = corner.size();
  for (const std::string& name : names) label_width = std::max(label_width, name.size());

  // Each predicted-class column is as wide as its name or its widest entry.
  std::vector<std::vector<std::string>> cells(uk);
  std::vector<std::size_t> widths(uk);
  for (std::size_t j = 0; j < uk; ++j) widths[j] = names[j].size();
  std::vector<std::string> recall(uk);
  for (std::size_t i = 0; i < uk; ++i) {
    double row_sum = 0.0;
    for (std::size_t j = 0; j < uk; ++j) {
      const double x = v[i * uk + j];
      cells[i].push_back(entry_text(x, integral));
      widths[j] = std::max(widths[j], cells[i].back().size());
      row_sum += x;
    }
    recall[i] = row_sum > 0 ? entry_text(v[i * uk + i] / row_sum, false) : "-";
  }
  const std::string recall_header = "recall";

  std::ostringstream out;
  pad_right(out, corner, label_width);
  for (std::size_t j = 0; j < uk; ++j) {
    out << "  ";
    pad_left(out, names[j], widths[j]);
  }
  if (show_recall) {
    out << "  ";
    pad_left(out, recall_header, recall_header.size());
  }
  out << '\n';
  for (std::size_t i = 0; i < uk; ++i) {
    pad_right(out, names[i], label_width);
    for (std::size_t j = 0; j < uk; ++j) {
      out << "  ";
      pad_left(out, cells[i][j], widths[j]);
    }
    if (show_recall) {
      out << "  ";
      pad_left(out, recall[i], recall_header.size());
    }
    out << '\n';
  }
  return out.str();
}

ConfusionMatrix::ConfusionMatrix(ConfusionMatrixOptions options) : options_(options) {
  NABLA_CHECK(options.num_classes >= 0 && options.num_classes <= kMaxConfusionClasses,
              "ConfusionMatrix", "num_classes must be in [0, ", kMaxConfusionClasses, "], got ",
              options.num_classes);
  grow(options.num_classes);
}

void ConfusionMatrix::grow(std::int64_t k) {
  if (k <= k_) return;
  // Re-lay the k_ x k_ counts into the top-left corner of a k x k matrix.
  std::vector<std::int64_t> counts(static_cast<std::size_t>(k * k), 0);
  for (std::int64_t i = 0; i < k_; ++i) {
    std::copy_n(counts_.begin() + i * k_, k_, counts.begin() + i * k);
  }
  counts_ = std::move(counts);
  k_ = k;
}

void ConfusionMatrix::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
}

void ConfusionMatrix::update(const Tensor& outputs, const Tensor& targets) {
  const ClassLabels labels =
      decode_class_labels(outputs, targets, options_.kind, options_.threshold, "ConfusionMatrix");
  const bool label_outputs = outputs.dtype() == DType::i64;
  if (options_.num_classes > 0) {
    NABLA_CHECK(label_outputs ? labels.num_classes <= options_.num_classes
                              : labels.num_classes == options_.num_classes,
                "ConfusionMatrix", "num_classes is ", options_.num_classes, " but the batch has ",
                labels.num_classes, " classes");
  } else if (!label_outputs && k_ > 0) {
    NABLA_CHECK(labels.num_classes == k_, "ConfusionMatrix", "the batch has ", labels.num_classes,
                " classes, earlier batches had ", k_);
  }
  NABLA_CHECK(labels.num_classes <= kMaxConfusionClasses, "ConfusionMatrix", labels.num_classes,
              " classes exceed the limit of ", kMaxConfusionClasses);
  grow(labels.num_classes);
  for (std::size_t i = 0; i < labels.actual.size(); ++i) {
    ++counts_[static_cast<std::size_t>(labels.actual[i] * k_ + labels.predicted[i])];
  }
}

double ConfusionMatrix::result() const {
  std::int64_t total = 0, correct = 0;
  for (std::int64_t i = 0; i < k_; ++i) {
    for (std::int64_t j = 0; j < k_; ++j) total += counts_[static_cast<std::size_t>(i * k_ + j)];
    correct += counts_[static_cast<std::size_t>(i * k_ + i)];
  }
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total)
                   : std::numeric_limits<double>::quiet_NaN();
}

std::unique_ptr<Metric> ConfusionMatrix::clone() const {
  return std::make_unique<ConfusionMatrix>(options_);
}

Tensor ConfusionMatrix::matrix() const {
  return from_vector(counts_, Shape{k_, k_});
}

}  // namespace nabla::metrics
