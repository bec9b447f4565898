// Weight and activity penalties, as Keras's regularizers: a layer given a
// weight_regularizer (Keras's kernel_regularizer) adds λ₁ Σ|w| + λ₂ Σ w² to
// the loss, one given an activity_regularizer adds the same penalty of its
// output. Module collects them (Module::regularization_loss), the training
// loop adds that to the loss.
#pragma once

#include <iosfwd>

#include "autograd/variable.h"

namespace nabla::nn {

/// The penalty l1 · Σ|x| + l2 · Σ x² (no ½ in front of the L2 term, as in
/// Keras; the gradient is l1 · sign(x) + 2 l2 · x). Both weights 0 means no
/// penalty.
struct Regularizer {
  double l1 = 0.0;
  double l2 = 0.0;

  /// True when either weight is non-zero.
  bool active() const { return l1 != 0.0 || l2 != 0.0; }
  /// The penalty of x as a one-element Variable (differentiable). Throws
  /// nabla::Error for a negative weight.
  Variable operator()(const Variable& x) const;
};

/// λ Σ|x| (lasso; drives weights to exactly zero).
Regularizer l1(double lambda);
/// λ Σ x² (ridge, "weight decay" when added to the loss).
Regularizer l2(double lambda);
/// λ₁ Σ|x| + λ₂ Σ x² (elastic net).
Regularizer l1_l2(double lambda1, double lambda2);

/// Prints "L1(0.01)", "L2(0.0001)", "L1L2(0.01, 0.0001)" or "none".
std::ostream& operator<<(std::ostream& out, const Regularizer& regularizer);

}  // namespace nabla::nn
