// Kernels of the neural-network ops, forward and backward: softmax and
// log_softmax, the cross-entropy of class labels, and batch normalization.
// autograd/nn_ops.cpp records their derivative rules; the backward kernels are
// public so that backprop written by hand with Tensor ops can call them too.
//
// Each kernel runs fused loops for the common case (contiguous [N, C] input
// with parameters of its dtype, class labels with a reduced loss) and the
// composed tensor-op formula otherwise; both give the same values up to
// rounding (see the NOTEs in nn_ops.cpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "tensor/tensor.h"

namespace nabla {

// ---- Softmax ----------------------------------------------------------------

/// Returns exp(x - max) / sum(exp(x - max)) along `dim`: each slice sums to 1
/// and logits of +-1e4 stay finite (a slice of only -inf gives NaN, as in
/// PyTorch). Throws for i64 and a bad dim.
Tensor softmax(const Tensor& t, std::int64_t dim);

/// Returns x - max - log(sum(exp(x - max))) along `dim`, finite for logits of
/// +-1e4. Throws for i64 and a bad dim.
Tensor log_softmax(const Tensor& t, std::int64_t dim);

// ---- Cross-entropy of class labels ------------------------------------------

/// How a loss combines its per-element values: kept as they are (none), their
/// mean, or their sum.
enum class Reduction { none, mean, sum };

/// Returns the cross-entropy of class labels, the mean (or sum, by `reduction`)
/// over the rows of −log_p[i, labels[i]], as a rank-0 tensor of log_p's dtype.
/// log_p [N, C] holds log-probabilities (log_softmax of the logits), labels are
/// i64 [N] in [0, C). The value is that of the general formula
/// −Σ_c t_ic log_p_ic with one-hot t: where a log-probability is not finite
/// (0 · (−inf) is NaN there) the general formula is evaluated. Throws
/// nabla::Error for log_p that is not a floating [N, C] tensor, labels that are
/// not [N] or outside [0, C) (naming the label and its position), and
/// Reduction::none.
Tensor cross_entropy_label_loss(const Tensor& log_p, const Tensor& labels, Reduction reduction);

/// Returns the gradient of cross_entropy_label_loss w.r.t. the logits,
/// grad · (exp(log_p) − t) [N, C] with one-hot t given by `labels`, for a
/// one-element `grad`: dL/d(loss) for the sum, dL/d(loss) / N for the mean.
/// Throws nabla::Error like cross_entropy_label_loss, and for a `grad` with
/// more than one element.
Tensor cross_entropy_label_grad(const Tensor& log_p, const Tensor& labels, const Tensor& grad);

// ---- Batch normalization ----------------------------------------------------

/// The results of batch_norm_forward: y = γ x̂ + β and what its backward and
/// the running statistics need. The statistics have the shape [1, C] for x of
/// shape [N, C] and [1, C, 1] for [N, C, L].
struct BatchNormOutput {
  Tensor y;
  Tensor x_hat;   ///< (x − μ) / σ, x's shape
  Tensor invstd;  ///< 1 / σ = 1 / sqrt(σ² + eps)
  Tensor mean;    ///< μ
  Tensor var;     ///< σ² (in training the biased batch variance)
};

/// Returns batch normalization of x [N, C] or [N, C, L] with the statistics of
/// the batch: μ and the biased σ² per channel (dim 1) over all other dims, then
/// x̂ = (x − μ) / sqrt(σ² + eps) and y = γ x̂ + β. gamma and beta have shape
/// [C]; an undefined tensor means no scale (γ = 1) or no shift (β = 0). Throws
/// nabla::Error for an input that is not a floating 2-D or 3-D tensor, gamma or
/// beta not of shape [C], negative eps, and one value per channel.
BatchNormOutput batch_norm_forward(const Tensor& x,
                                   const Tensor& gamma,
                                   const Tensor& beta,
                                   double eps);

/// Returns batch normalization of x with given statistics `mean` and `var` of
/// shape [C] (e.g. running statistics in evaluation), converted to x's dtype.
/// Throws like batch_norm_forward, and for mean or var not of shape [C].
BatchNormOutput batch_norm_forward(const Tensor& x,
                                   const Tensor& gamma,
                                   const Tensor& beta,
                                   const Tensor& mean,
                                   const Tensor& var,
                                   double eps);

/// Which gradients batch_norm_backward computes; the others stay undefined.
struct BatchNormNeeds {
  bool input = true;
  bool gamma = true;
  bool beta = true;
};

/// The gradients of batch normalization w.r.t. x (x's shape), γ and β ([C]).
struct BatchNormGrads {
  Tensor input;
  Tensor gamma;
  Tensor beta;
};

/// Returns the gradients of y = γ x̂ + β given grad_out = dL/dy and the x_hat and
/// invstd of the forward, with s = γ/σ:
///   training (μ and σ from the batch): dL/dx = s (g − mean(g) − x̂ mean(g x̂)),
///   evaluation (constant statistics):  dL/dx = s g,
///   dL/dγ = Σ g x̂ and dL/dβ = Σ g,
/// with means and sums over `dims`, the dims the statistics were taken over
/// ({0} for [N, C], {0, 2} for [N, C, L]). gamma is γ of shape [C] (or already
/// shaped like invstd), undefined for no scale. Throws nabla::Error for
/// undefined grad_out, x_hat or invstd, a grad_out whose shape is not x_hat's,
/// and a gamma without one value per channel.
BatchNormGrads batch_norm_backward(const Tensor& grad_out,
                                   const Tensor& x_hat,
                                   const Tensor& invstd,
                                   const Tensor& gamma,
                                   bool training,
                                   const Dims& dims,
                                   BatchNormNeeds needs = {});

namespace detail {

/// Throws "op: labels have shape ..." unless labels is i64 [N] for logits of
/// shape [N, C], and "op: label L at position i is outside [0, C)".
void check_class_labels(const Tensor& labels, const Shape& logits_shape, std::string_view op);

/// Checks the target of a cross-entropy with logits of shape [N, C]: i64
/// class labels [N] (as check_class_labels) or floating probabilities
/// [N, C]. Anything else throws a message that names both forms and the
/// dtype and shape received, e.g. for f32 labels [N]: "class labels must be
/// i64 of shape [N] ...".
void check_cross_entropy_target(const Tensor& target,
                                const Shape& logits_shape,
                                std::string_view op);

/// Throws "batch_norm: expected a floating input of shape [N, C] or [N, C, L]".
void check_batch_norm_input(const Tensor& x);

/// Throws "batch_norm: <what> must be a floating tensor of shape [C]" unless t
/// is one.
void check_channel_vector(const Tensor& t, const char* what, std::int64_t channels);

}  // namespace detail

}  // namespace nabla
