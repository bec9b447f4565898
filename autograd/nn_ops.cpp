// Forward and backward of the neural-network ops. Each op records one node with
// the textbook derivative, rather than the chain of elementwise nodes its
// formula would produce: fewer saved tensors, and stable where the composition
// is not (the cross-entropies). The fused kernels behind softmax, the
// cross-entropy of labels and batch norm live in tensor/nn_ops.cpp.
#include "autograd/nn_ops.h"

#include <cstdint>
#include <utility>

#include "autograd/record.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/nn_ops.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"

namespace nabla {

Variable softmax(const Variable& x, std::int64_t dim) {
  Tensor y = softmax(x.value(), dim);
  // dy_i/dx_j = y_i (δ_ij − y_j): grad_x = y ⊙ (grad_out − Σ_dim grad_out ⊙ y)
  return record("SoftmaxBackward", y, {x}, save(y), [dim](const Tensor& grad_out, const Tensor& y) {
    return y * (grad_out - sum(grad_out * y, {dim}, /*keepdim=*/true));
  });
}

Variable log_softmax(const Variable& x, std::int64_t dim) {
  Tensor y = log_softmax(x.value(), dim);
  // dy_i/dx_j = δ_ij − softmax_j, softmax = exp(y): grad_x = grad_out − exp(y) ⊙ Σ_dim grad_out
  return record("LogSoftmaxBackward", y, {x}, save(y),
                [dim](const Tensor& grad_out, const Tensor& y) {
                  return grad_out - exp(y) * sum(grad_out, {dim}, /*keepdim=*/true);
                });
}

namespace {

Tensor reduce_loss(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::mean:
      return mean(loss);
    case Reduction::sum:
      return sum(loss);
    case Reduction::none:
      break;
  }
  return loss;
}

// dL/d(loss element) from dL/d(reduced loss): grad_out itself for none and sum
// (a scalar broadcasts over the elements), grad_out / n for the mean of n.
Tensor loss_element_grad(const Tensor& grad_out, Reduction reduction, std::int64_t n) {
  return reduction == Reduction::mean ? grad_out / static_cast<double>(n) : grad_out;
}

// The target as probabilities t [N, C] in `dtype`, smoothed: (1 − ε) t + ε / C.
Tensor target_probabilities(const Tensor& target,
                            std::int64_t classes,
                            double smoothing,
                            DType dtype) {
  Tensor t = target.dtype() == DType::i64 ? one_hot(target, classes, dtype) : target.to(dtype);
  if (smoothing > 0) t = t * (1 - smoothing) + smoothing / static_cast<double>(classes);
  return t;
}

// Class labels, no smoothing and a reduced loss: t stays the labels and the
// label kernels run (NOTE [ Cross-entropy of labels ] in tensor/nn_ops.cpp).
bool labels_fast_path(const Tensor& target, double smoothing, Reduction reduction) {
  return target.dtype() == DType::i64 && smoothing == 0.0 && reduction != Reduction::none;
}

}  // namespace

Variable softmax_cross_entropy(const Variable& logits,
                               const Tensor& target,
                               Reduction reduction,
                               double label_smoothing) {
  constexpr const char* op = "softmax_cross_entropy";
  const Tensor& z = logits.value();
  NABLA_CHECK(z.dim() == 2 && is_floating(z.dtype()), op,
              "expected floating logits of shape [N, C], got ", z.dtype(), " ", z.shape());
  NABLA_CHECK(label_smoothing >= 0 && label_smoothing <= 1, op,
              "label_smoothing must be in [0, 1], got ", label_smoothing);
  detail::check_cross_entropy_target(target, z.shape(), op);
  const std::int64_t n = z.size(0);
  const bool labels = labels_fast_path(target, label_smoothing, reduction);
  Tensor log_p = log_softmax(z, 1);
  Tensor t = labels ? target : target_probabilities(target, z.size(1), label_smoothing, z.dtype());
  // loss_i = −Σ_c t_ic log p_ic
  Tensor y = labels ? cross_entropy_label_loss(log_p, t, reduction)
                    : reduce_loss(-sum(t * log_p, {1}), reduction);
  // ∂loss_i/∂z_ic = p_ic Σ_k t_ik − t_ic, which is p − t when each row of t sums to 1
  return record("SoftmaxCrossEntropyBackward", y, {logits}, save(log_p, t),
                [reduction, n](const Tensor& grad_out, const Tensor& log_p, const Tensor& t) {
                  Tensor g = loss_element_grad(grad_out, reduction, n);
                  if (t.dtype() == DType::i64) return cross_entropy_label_grad(log_p, t, g);
                  if (reduction == Reduction::none) g = unsqueeze(g, 1);  // [N] -> [N, 1]
                  return g * (exp(log_p) * sum(t, {1}, /*keepdim=*/true) - t);
                });
}

Variable binary_cross_entropy_with_logits(const Variable& logits,
                                          const Variable& target,
                                          Reduction reduction) {
  constexpr const char* op = "binary_cross_entropy_with_logits";
  const Tensor& z = logits.value();
  const Tensor& t = target.value();
  NABLA_CHECK(z.shape() == t.shape(), op, "target has shape ", t.shape(),
              " but the logits have shape ", z.shape(), "; they must be equal");
  NABLA_CHECK(is_floating(z.dtype()) && is_floating(t.dtype()), op,
              "expected floating logits and target, got ", z.dtype(), " and ", t.dtype());
  // −t log σ(z) − (1 − t) log(1 − σ(z)) = max(z, 0) − z t + log(1 + e^(−|z|)),
  // where no exponential can overflow
  Tensor y = reduce_loss(relu(z) - z * t + log1p(exp(-abs(z))), reduction);
  // ∂loss/∂z = σ(z) − t, ∂loss/∂t = −z
  return record("BinaryCrossEntropyWithLogitsBackward", y, {logits, target}, save(z, t),
                [reduction, n = z.numel()](const Tensor& grad_out, NeedsGrad needs, const Tensor& z,
                                           const Tensor& t) -> GradList {
                  const Tensor g = loss_element_grad(grad_out, reduction, n);
                  return {needs[0] ? g * (sigmoid(z) - t) : Tensor(), needs[1] ? g * -z : Tensor()};
                });
}

Variable batch_norm(const Variable& x,
                    const Variable& gamma,
                    const Variable& beta,
                    Tensor running_mean,
                    Tensor running_var,
                    bool training,
                    double momentum,
                    double eps) {
  constexpr const char* op = "batch_norm";
  const Tensor& xv = x.value();
  detail::check_batch_norm_input(xv);
  const std::int64_t channels = xv.size(1);
  const Tensor g = gamma.defined() ? gamma.value() : Tensor();
  const Tensor b = beta.defined() ? beta.value() : Tensor();
  if (g.defined()) detail::check_channel_vector(g, "gamma", channels);
  if (b.defined()) detail::check_channel_vector(b, "beta", channels);
  if (running_mean.defined()) detail::check_channel_vector(running_mean, "running_mean", channels);
  if (running_var.defined()) detail::check_channel_vector(running_var, "running_var", channels);
  NABLA_CHECK(momentum >= 0 && momentum <= 1, op, "momentum must be in [0, 1], got ", momentum);
  NABLA_CHECK(eps >= 0, op, "eps must be non-negative, got ", eps);

  BatchNormOutput out;
  if (training) {
    out = batch_norm_forward(xv, g, b, eps);
    // running = (1 − m) running + m batch, with the unbiased variance (PyTorch's rule)
    const std::int64_t count = xv.dim() == 2 ? xv.size(0) : xv.size(0) * xv.size(2);
    if (running_mean.defined())
      running_mean.mul_(1 - momentum).add_(reshape(out.mean, {channels}), momentum);
    if (running_var.defined()) {
      const double bessel = static_cast<double>(count) / static_cast<double>(count - 1);
      running_var.mul_(1 - momentum).add_(reshape(out.var, {channels}), momentum * bessel);
    }
  } else {
    NABLA_CHECK(running_mean.defined() && running_var.defined(), op,
                "evaluation needs running_mean and running_var");
    out = batch_norm_forward(xv, g, b, running_mean, running_var, eps);
  }

  // Statistics over the batch (and length) dims; γ saved as [1, C(, 1)] like 1/σ.
  const Dims dims = xv.dim() == 2 ? Dims{0} : Dims{0, 2};
  const Tensor gamma_b = g.defined() ? reshape(g, out.invstd.shape()) : Tensor();
  // training: grad_x = (γ/σ) (g − mean(g) − x̂ mean(g x̂)); evaluation: grad_x = (γ/σ) g;
  // grad_γ = Σ g x̂, grad_β = Σ g
  return record("BatchNormBackward", out.y, {x, gamma, beta}, save(out.x_hat, out.invstd, gamma_b),
                [training, dims](const Tensor& grad_out, NeedsGrad needs, const Tensor& x_hat,
                                 const Tensor& invstd, const Tensor& gamma) -> GradList {
                  BatchNormGrads grads =
                      batch_norm_backward(grad_out, x_hat, invstd, gamma, training, dims,
                                          {needs[0], needs[1], needs[2]});
                  return {std::move(grads.input), std::move(grads.gamma), std::move(grads.beta)};
                });
}

Variable dropout(const Variable& x, double p, bool training, Generator* gen) {
  constexpr const char* op = "dropout";
  NABLA_CHECK(p >= 0 && p <= 1, op, "p must be in [0, 1], got ", p);
  if (!training || p == 0) return x;
  const Tensor& xv = x.value();
  NABLA_CHECK(is_floating(xv.dtype()), op, "expected a floating input, got ", xv.dtype());
  // Inverted dropout: keep with probability 1 − p and scale by 1/(1 − p), so E[y] = x.
  Tensor mask;
  if (p == 1) {
    mask = zeros(xv.shape(), xv.dtype());
  } else {
    mask = bernoulli(xv.shape(), 1 - p, gen != nullptr ? *gen : default_generator(), xv.dtype());
    mask.mul_(1 / (1 - p));
  }
  Tensor y = xv * mask;
  // dy/dx = mask, which holds 0 or 1/(1 − p)
  return record("DropoutBackward", y, {x}, save(mask),
                [](const Tensor& grad_out, const Tensor& mask) { return grad_out * mask; });
}

}  // namespace nabla
