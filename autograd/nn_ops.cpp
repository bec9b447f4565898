// Forward and backward of the neural-network ops. Each op records one node with
// the textbook derivative, rather than the chain of elementwise nodes its
// formula would produce: fewer saved tensors, and stable where the composition
// is not (the cross-entropies).
#include "autograd/nn_ops.h"

#include "autograd/record.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"
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

void check_labels(const Tensor& labels, const Shape& logits_shape) {
  const std::int64_t n = logits_shape[0];
  const std::int64_t classes = logits_shape[1];
  NABLA_CHECK(labels.dim() == 1 && labels.size(0) == n, "softmax_cross_entropy",
              "labels have shape ", labels.shape(), " but logits of shape ", logits_shape,
              " need labels of shape [", n, "]");
  const std::vector<std::int64_t> values = labels.to_vector<std::int64_t>();
  for (std::size_t i = 0; i < values.size(); ++i)
    NABLA_CHECK(values[i] >= 0 && values[i] < classes, "softmax_cross_entropy", "label ", values[i],
                " at position ", i, " is outside [0, ", classes, ")");
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

}  // namespace

Variable softmax_cross_entropy(const Variable& logits,
                               const Tensor& target,
                               Reduction reduction,
                               double label_smoothing) {
  constexpr const char* op = "softmax_cross_entropy";
  const Tensor& z = logits.value();
  check_defined(target, op);
  NABLA_CHECK(z.dim() == 2 && is_floating(z.dtype()), op,
              "expected floating logits of shape [N, C], got ", z.dtype(), " ", z.shape());
  NABLA_CHECK(label_smoothing >= 0 && label_smoothing <= 1, op,
              "label_smoothing must be in [0, 1], got ", label_smoothing);
  if (target.dtype() == DType::i64) {
    check_labels(target, z.shape());
  } else {
    NABLA_CHECK(target.shape() == z.shape(), op, "probabilities have shape ", target.shape(),
                " but the logits have shape ", z.shape(), "; they must be equal");
  }
  const std::int64_t n = z.size(0);
  Tensor log_p = log_softmax(z, 1);
  Tensor t = target_probabilities(target, z.size(1), label_smoothing, z.dtype());
  // loss_i = −Σ_c t_ic log p_ic
  Tensor y = reduce_loss(-sum(t * log_p, {1}), reduction);
  // ∂loss_i/∂z_ic = p_ic Σ_k t_ik − t_ic, which is p − t when each row of t sums to 1
  return record("SoftmaxCrossEntropyBackward", y, {logits}, save(log_p, t),
                [reduction, n](const Tensor& grad_out, const Tensor& log_p, const Tensor& t) {
                  Tensor g = loss_element_grad(grad_out, reduction, n);
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

namespace {

void check_channel_vector(const Tensor& t, const char* what, std::int64_t channels) {
  NABLA_CHECK(t.dim() == 1 && t.size(0) == channels && is_floating(t.dtype()), "batch_norm", what,
              " must be a floating tensor of shape [", channels, "], got ", t.dtype(), " ",
              t.shape());
}

}  // namespace

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
  NABLA_CHECK((xv.dim() == 2 || xv.dim() == 3) && is_floating(xv.dtype()), op,
              "expected a floating input of shape [N, C] or [N, C, L], got ", xv.dtype(), " ",
              xv.shape());
  const std::int64_t channels = xv.size(1);
  if (gamma.defined()) check_channel_vector(gamma.value(), "gamma", channels);
  if (beta.defined()) check_channel_vector(beta.value(), "beta", channels);
  if (running_mean.defined()) check_channel_vector(running_mean, "running_mean", channels);
  if (running_var.defined()) check_channel_vector(running_var, "running_var", channels);
  NABLA_CHECK(momentum >= 0 && momentum <= 1, op, "momentum must be in [0, 1], got ", momentum);
  NABLA_CHECK(eps >= 0, op, "eps must be non-negative, got ", eps);

  // Statistics per channel over the batch (and length) dims, kept as [1, C(, 1)].
  const Dims dims = xv.dim() == 2 ? Dims{0} : Dims{0, 2};
  const Shape stat_shape = xv.dim() == 2 ? Shape{1, channels} : Shape{1, channels, 1};
  const std::int64_t count = xv.dim() == 2 ? xv.size(0) : xv.size(0) * xv.size(2);
  Tensor batch_mean, batch_var;
  if (training) {
    NABLA_CHECK(count > 1, op, "training needs more than one value per channel, got input ",
                xv.shape());
    batch_mean = mean(xv, dims, /*keepdim=*/true);
    batch_var = var(xv, dims, /*correction=*/0, /*keepdim=*/true);
    // running = (1 − m) running + m batch, with the unbiased variance (PyTorch's rule)
    if (running_mean.defined())
      running_mean.mul_(1 - momentum).add_(reshape(batch_mean, {channels}), momentum);
    if (running_var.defined()) {
      const double bessel = static_cast<double>(count) / static_cast<double>(count - 1);
      running_var.mul_(1 - momentum).add_(reshape(batch_var, {channels}), momentum * bessel);
    }
  } else {
    NABLA_CHECK(running_mean.defined() && running_var.defined(), op,
                "evaluation needs running_mean and running_var");
    batch_mean = reshape(running_mean.to(xv.dtype()), stat_shape);
    batch_var = reshape(running_var.to(xv.dtype()), stat_shape);
  }
  Tensor invstd = rsqrt(batch_var + eps);
  Tensor x_hat = (xv - batch_mean) * invstd;
  Tensor gamma_b = gamma.defined() ? reshape(gamma.value(), stat_shape) : Tensor();
  Tensor y = gamma.defined() ? x_hat * gamma_b : x_hat;
  if (beta.defined()) y = y + reshape(beta.value(), stat_shape);

  return record("BatchNormBackward", y, {x, gamma, beta}, save(x_hat, invstd, gamma_b),
                [training, dims](const Tensor& grad_out, NeedsGrad needs, const Tensor& x_hat,
                                 const Tensor& invstd, const Tensor& gamma) -> GradList {
                  Tensor grad_x, grad_gamma, grad_beta;
                  if (needs[0]) {
                    const Tensor scale = gamma.defined() ? gamma * invstd : invstd;  // γ / σ
                    if (training) {
                      // μ and σ depend on x: grad_x = (γ/σ) (g − mean(g) − x̂ mean(g x̂))
                      grad_x = scale * (grad_out - mean(grad_out, dims, true) -
                                        x_hat * mean(grad_out * x_hat, dims, true));
                    } else {
                      // running statistics are constants: grad_x = (γ/σ) g
                      grad_x = scale * grad_out;
                    }
                  }
                  // grad_γ = Σ g x̂, grad_β = Σ g over the batch (and length) dims -> [C]
                  if (needs[1]) grad_gamma = sum(grad_out * x_hat, dims);
                  if (needs[2]) grad_beta = sum(grad_out, dims);
                  return {grad_x, grad_gamma, grad_beta};
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
