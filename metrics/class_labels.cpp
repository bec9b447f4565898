#include "metrics/class_labels.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "tensor/dispatch.h"
#include "tensor/error.h"

namespace nabla::metrics {
namespace {

// Without a known number of classes, labels from here on are taken for corrupt
// data rather than a class: counting per class must not allocate in
// proportion to one bad value.
constexpr std::int64_t kMaxLabel = std::int64_t{1} << 20;

// [n] or [n, 1]: one value per sample.
bool is_column(const Tensor& t) {
  return t.dim() == 1 || (t.dim() == 2 && t.size(1) == 1);
}

void check_rank(const Tensor& t, std::string_view op, std::string_view what) {
  NABLA_CHECK(t.defined(), op, what, " are undefined");
  NABLA_CHECK(t.dim() == 1 || t.dim() == 2, op, what, " must be [n] or [n, k], got ", t.shape());
  NABLA_CHECK(t.dim() == 1 || t.size(1) > 0, op, what, " have no columns: ", t.shape());
}

// The index of the largest value of each row of a [n, k] tensor; the first one
// on ties, as numpy.argmax. NaN entries are skipped (a row of NaN gives 0), so
// one diverged logit does not decide the class.
std::vector<std::int64_t> argmax_rows(const Tensor& t) {
  const Tensor c = t.contiguous();
  const std::int64_t n = c.size(0);
  const std::int64_t k = c.size(1);
  std::vector<std::int64_t> result(static_cast<std::size_t>(n));
  dispatch(c.dtype(), [&]<class T>() {
    const T* p = c.data<T>();
    for (std::int64_t i = 0; i < n; ++i) {
      const T* row = p + i * k;
      std::int64_t best = -1;
      for (std::int64_t j = 0; j < k; ++j) {
        if (row[j] == row[j] && (best < 0 || row[j] > row[best])) best = j;  // skips NaN
      }
      result[static_cast<std::size_t>(i)] = best < 0 ? 0 : best;
    }
  });
  return result;
}

std::vector<std::int64_t> threshold_column(const Tensor& t, double threshold) {
  const Tensor c = t.contiguous();
  std::vector<std::int64_t> result(static_cast<std::size_t>(c.numel()));
  dispatch(c.dtype(), [&]<class T>() {
    const T* p = c.data<T>();
    for (std::size_t i = 0; i < result.size(); ++i) {
      result[i] = static_cast<double>(p[i]) > threshold ? 1 : 0;
    }
  });
  return result;
}

std::int64_t max_label(const std::vector<std::int64_t>& labels) {
  return labels.empty() ? -1 : *std::max_element(labels.begin(), labels.end());
}

}  // namespace

std::vector<std::int64_t> read_labels(const Tensor& labels,
                                      std::int64_t num_classes,
                                      std::string_view op,
                                      std::string_view what) {
  NABLA_CHECK(labels.defined(), op, what, " labels are undefined");
  NABLA_CHECK(is_column(labels), op, what, " labels must be [n] or [n, 1], got ", labels.shape());
  const std::int64_t limit = num_classes > 0 ? num_classes : kMaxLabel;
  const Tensor c = labels.contiguous();
  std::vector<std::int64_t> result(static_cast<std::size_t>(c.numel()));
  dispatch(c.dtype(), [&]<class T>() {
    const T* p = c.data<T>();
    for (std::size_t i = 0; i < result.size(); ++i) {
      const double v = static_cast<double>(p[i]);
      // Checked in double first so that NaN, fractions and huge values are
      // rejected before any conversion to an integer.
      if (!(v == std::floor(v) && v >= 0 && v < static_cast<double>(limit))) [[unlikely]] {
        std::ostringstream label;  // whole numbers without an exponent
        if (v == std::floor(v) && std::abs(v) < 1e18) {
          label << static_cast<std::int64_t>(v);
        } else {
          label << v;
        }
        detail::throw_error(op, what, " label ", label.str(), " at sample ", i,
                            " is not a class in [0, ", limit, ")");
      }
      result[i] = static_cast<std::int64_t>(p[i]);
    }
  });
  return result;
}

ClassLabels decode_class_labels(const Tensor& outputs,
                                const Tensor& targets,
                                LabelKind kind,
                                double threshold,
                                std::string_view op) {
  check_rank(outputs, op, "outputs");
  check_rank(targets, op, "targets");
  NABLA_CHECK(outputs.size(0) == targets.size(0), op, "outputs ", outputs.shape(), " and targets ",
              targets.shape(), " hold different numbers of samples");
  ClassLabels labels;

  if (outputs.dtype() == DType::i64) {
    // Predicted class labels, e.g. from predict_classes.
    NABLA_CHECK(is_column(outputs), op, "outputs of dtype i64 are class labels and must be [n] or ",
                "[n, 1], got ", outputs.shape());
    if (is_column(targets)) {
      const std::int64_t limit = kind == LabelKind::binary ? 2 : 0;
      labels.actual = read_labels(targets, limit, op, "actual");
      labels.predicted = read_labels(outputs, limit, op, "predicted");
      labels.num_classes =
          limit > 0 ? limit : 1 + std::max(max_label(labels.actual), max_label(labels.predicted));
    } else {
      labels.num_classes = targets.size(1);
      labels.actual = argmax_rows(targets);
      labels.predicted = read_labels(outputs, labels.num_classes, op, "predicted");
    }
    return labels;
  }

  if (kind == LabelKind::automatic) {
    if (is_column(outputs)) {
      kind = LabelKind::binary;
    } else if (targets.shape() == outputs.shape()) {
      kind = LabelKind::categorical;
    } else {
      NABLA_CHECK(is_column(targets), op, "outputs ", outputs.shape(), " and targets ",
                  targets.shape(), " do not match: expected targets [n], [n, 1] or ",
                  outputs.shape());
      kind = LabelKind::sparse;
    }
  }

  switch (kind) {
    case LabelKind::binary:
      NABLA_CHECK(is_column(outputs), op, "binary labels need one output per sample ([n] or ",
                  "[n, 1]), got outputs ", outputs.shape());
      labels.num_classes = 2;
      labels.actual = read_labels(targets, 2, op, "actual");
      labels.predicted = threshold_column(outputs, threshold);
      break;
    case LabelKind::categorical:
      NABLA_CHECK(outputs.dim() == 2 && targets.shape() == outputs.shape(), op,
                  "categorical labels need outputs [n, k] and targets of the same shape, got ",
                  outputs.shape(), " and ", targets.shape());
      labels.num_classes = outputs.size(1);
      labels.actual = argmax_rows(targets);
      labels.predicted = argmax_rows(outputs);
      break;
    case LabelKind::sparse:
    case LabelKind::automatic:
      NABLA_CHECK(outputs.dim() == 2, op, "sparse labels need outputs [n, k], got ",
                  outputs.shape());
      labels.num_classes = outputs.size(1);
      labels.actual = read_labels(targets, labels.num_classes, op, "actual");
      labels.predicted = argmax_rows(outputs);
      break;
  }
  return labels;
}

}  // namespace nabla::metrics
