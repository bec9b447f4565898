// Differentiable neural-network ops on Variables, each with one explicit
// backward rule: softmax and log_softmax, the fused softmax cross-entropy and
// binary cross-entropy with logits, batch normalization and inverted dropout.
// The losses are computed stably (through log_softmax, and with
// log(1 + e^(−|z|))) in one forward, so extreme logits give finite losses and
// gradients. The rules sit under the forwards in nn_ops.cpp.
#pragma once

#include <cstdint>

#include "autograd/variable.h"
#include "tensor/nn_ops.h"

namespace nabla {

class Generator;

/// Returns exp(x − max) / Σ exp(x − max) along `dim` (each slice sums to 1).
/// The gradient is y ⊙ (grad_out − Σ_dim grad_out ⊙ y). Throws nabla::Error for
/// i64 input and a bad dim.
Variable softmax(const Variable& x, std::int64_t dim);

/// Returns x − logsumexp(x) along `dim`, stable for large logits. The gradient
/// is grad_out − softmax(x) ⊙ Σ_dim grad_out. Throws like softmax.
Variable log_softmax(const Variable& x, std::int64_t dim);

/// Returns the cross-entropy between softmax(logits) and `target`:
/// loss_i = −Σ_c t_ic log softmax(logits)_ic for logits of shape [N, C], reduced
/// over the N rows by `reduction` (none gives shape [N]). `target` is either i64
/// class labels of shape [N] or floating probabilities of shape [N, C] (one-hot
/// or soft; rows are not required to sum to 1); it is a constant (no gradient).
/// With label_smoothing ε the target becomes (1 − ε) t + ε / C. The gradient
/// w.r.t. the logits is p Σ_c t_c − t, i.e. p − t for rows of t that sum to 1,
/// divided by N for the mean. Throws nabla::Error for logits that are not a
/// floating 2-D tensor, labels that are not [N] or outside [0, C) (naming the
/// label and its position), probabilities that are not [N, C], and
/// label_smoothing outside [0, 1].
Variable softmax_cross_entropy(const Variable& logits,
                               const Tensor& target,
                               Reduction reduction = Reduction::mean,
                               double label_smoothing = 0.0);

/// Returns the binary cross-entropy between sigmoid(logits) and `target`,
/// computed as max(z, 0) − z t + log(1 + e^(−|z|)) so that logits of ±100 give
/// finite values, reduced by `reduction`. logits and target must have the same
/// shape (no broadcasting: a [N, 1] target against [N] logits is an error, not
/// an [N, N] loss). Both are differentiable: ∂/∂z = σ(z) − t, ∂/∂t = −z (scaled
/// by 1/numel for the mean). Throws nabla::Error for different shapes or a
/// non-floating dtype.
Variable binary_cross_entropy_with_logits(const Variable& logits,
                                          const Variable& target,
                                          Reduction reduction = Reduction::mean);

/// Returns batch normalization γ (x − μ) / sqrt(σ² + eps) + β of x with shape
/// [N, C] or [N, C, L], with statistics per channel (dim 1) over all other dims.
/// gamma and beta have shape [C]; an undefined Variable means no scale (γ = 1)
/// or no shift (β = 0). In training, μ and σ² are the batch mean and biased
/// variance, and running_mean and running_var (shape [C], either may be
/// undefined) are updated in place as running = (1 − momentum) running +
/// momentum batch, with the unbiased variance for running_var. In evaluation
/// the running statistics are used and not changed. Throws nabla::Error for an
/// input that is not 2-D or 3-D, parameters or statistics that are not [C],
/// momentum outside [0, 1], negative eps, training with one value per channel,
/// and evaluation without running statistics.
Variable batch_norm(const Variable& x,
                    const Variable& gamma,
                    const Variable& beta,
                    Tensor running_mean,
                    Tensor running_var,
                    bool training,
                    double momentum = 0.1,
                    double eps = 1e-5);

/// Returns inverted dropout of x: in training each element is kept with
/// probability 1 − p (drawn from `gen`, or the default generator) and scaled by
/// 1 / (1 − p), so that E[y] = x; p = 1 gives zeros. When not training, or for
/// p = 0, returns x itself (no node). Throws nabla::Error for p outside [0, 1]
/// or a non-floating x.
Variable dropout(const Variable& x, double p, bool training, Generator* gen = nullptr);

}  // namespace nabla
