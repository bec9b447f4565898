// Class labels from a model's outputs and a batch's targets: the rule every
// classification metric uses to turn logits, probabilities, one-hot rows and
// label vectors into one predicted and one actual class per sample.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tensor/tensor.h"

namespace nabla::metrics {

/// How outputs and targets encode classes.
enum class LabelKind {
  /// Decided from the shapes and dtypes, as LabelKind's other values describe.
  automatic,
  /// One output per sample ([n] or [n, 1]): class 1 when the output exceeds the
  /// threshold, else class 0. Targets [n] or [n, 1] holding 0 or 1.
  binary,
  /// Outputs [n, k] and targets [n, k] (one-hot or probabilities): the argmax of
  /// each row of both.
  categorical,
  /// Outputs [n, k] and class labels [n] or [n, 1] in [0, k) (i64, or floating
  /// holding whole numbers): the argmax of each output row against the label.
  sparse,
};

/// One predicted and one actual class per sample.
struct ClassLabels {
  std::vector<std::int64_t> predicted;
  std::vector<std::int64_t> actual;
  /// k: the number of output columns (2 for binary outputs), or for label
  /// outputs 1 + the largest label seen.
  std::int64_t num_classes = 0;
};

/// Decodes a batch into class labels.
///
/// `outputs` are logits or probabilities — the argmax does not depend on which;
/// for binary outputs `threshold` is compared with `>`: 0.5 suits
/// probabilities, 0 suits logits. Outputs of dtype i64 ([n] or [n, 1]) are
/// taken as predicted class labels themselves.
///
/// With LabelKind::automatic: outputs [n, k > 1] with targets of the same shape
/// are categorical, with targets [n] or [n, 1] sparse; outputs [n] or [n, 1]
/// are binary.
///
/// Throws nabla::Error naming `op` when a tensor is undefined, when the shapes
/// do not fit the kind (different sample counts, [n, k] against [n, j]), when
/// an output or target has rank above 2 or has zero columns, or when a label is
/// outside [0, k) (or not 0/1 for binary targets; below 2^20 for label outputs
/// against label targets), is not a whole number, or is NaN.
ClassLabels decode_class_labels(const Tensor& outputs,
                                const Tensor& targets,
                                LabelKind kind,
                                double threshold,
                                std::string_view op);

/// The class labels of one tensor of labels ([n] or [n, 1], i64 or floating
/// whole numbers), each checked to lie in [0, num_classes), or in [0, 2^20)
/// when num_classes is 0. Throws nabla::Error naming `op` and `what`
/// ("actual", "predicted") for a label out of range, fractional or NaN, and
/// for a tensor of another shape.
std::vector<std::int64_t> read_labels(const Tensor& labels,
                                      std::int64_t num_classes,
                                      std::string_view op,
                                      std::string_view what);

}  // namespace nabla::metrics
