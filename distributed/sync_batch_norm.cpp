#include "distributed/sync_batch_norm.h"

#include <sstream>
#include <utility>

#include "autograd/elementwise.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/nn_ops.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/shape_ops.h"

namespace nabla::distributed {

namespace {

// y = Σ_q x_q on every rank.
struct AllSum : autograd::Function<AllSum> {
  static constexpr const char* name = "AllSumBackward";
  static Tensor forward(autograd::FunctionContext& ctx, const Tensor& x, const Communicator& comm) {
    ctx.set("comm", comm);
    Tensor y = x.clone();
    comm.allreduce_(y, ReduceOp::sum);
    return y;
  }
  // Every rank's loss L_r depends on y, hence on every x_q: ∂(Σ_r L_r)/∂x_q = Σ_r g_r.
  static GradList backward(autograd::FunctionContext& ctx, const Tensor& grad_out) {
    Tensor grad = grad_out.clone();
    ctx.get<Communicator>("comm").allreduce_(grad, ReduceOp::sum);
    return {grad};
  }
};

}  // namespace

Variable all_sum(const Variable& x, const Communicator& comm) {
  NABLA_CHECK(x.defined() && is_floating(x.dtype()), "all_sum",
              "expected a defined floating Variable, got ", x.defined() ? x.dtype() : DType::f32);
  return AllSum::apply(x, comm);
}

SyncBatchNorm::SyncBatchNorm(std::int64_t num_features,
                             Communicator comm,
                             nn::BatchNormOptions options)
    : num_features_(num_features), comm_(std::move(comm)), options_(options) {
  NABLA_CHECK(num_features > 0, "SyncBatchNorm", "num_features must be > 0, got ", num_features);
  NABLA_CHECK(options.eps >= 0, "SyncBatchNorm", "eps must be >= 0, got ", options.eps);
  NABLA_CHECK(options.momentum >= 0 && options.momentum <= 1, "SyncBatchNorm",
              "momentum must be in [0, 1], got ", options.momentum);
  if (options.affine) {
    weight = register_parameter("weight", ones({num_features}));
    bias = register_parameter("bias", zeros({num_features}));
  }
  if (options.track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
  }
}

Variable SyncBatchNorm::forward(const Variable& x) {
  NABLA_CHECK((x.dim() == 2 || x.dim() == 3) && x.size(1) == num_features_, "SyncBatchNorm",
              "expected input of shape [N, ", num_features_, "] or [N, ", num_features_,
              ", L], got ", x.shape());
  const Variable& reference = weight.defined() ? weight : running_mean;
  NABLA_CHECK(is_floating(x.dtype()) && (!reference.defined() || reference.dtype() == x.dtype()),
              "SyncBatchNorm", "input dtype ", x.dtype(), " differs from the layer's ",
              reference.defined() ? reference.dtype() : DType::f32,
              " (convert the input or call to())");
  const bool batch_stats = is_training() || !options_.track_running_stats;
  if (!batch_stats) {
    return batch_norm(x, weight, bias, running_mean.value(), running_var.value(), false,
                      options_.momentum, options_.eps);
  }
  // m values per channel on this rank, M over every rank.
  const Dims dims = x.dim() == 2 ? Dims{0} : Dims{0, 2};
  const std::int64_t m = x.dim() == 2 ? x.size(0) : x.size(0) * x.size(2);
  Tensor count = full({1}, static_cast<double>(m), DType::i64);
  comm_.allreduce_(count, ReduceOp::sum);
  const auto total = static_cast<double>(count.item<std::int64_t>());
  NABLA_CHECK(total > 1, "SyncBatchNorm",
              "training needs more than one value per channel over all ranks, got ", total,
              " (this rank's input ", x.shape(), ")");
  // μ = Σx / M and σ² = Σ(x − μ)² / M over the global batch (two passes: the
  // variance without the cancellation of Σx² / M − μ²).
  const Variable mu = all_sum(sum(x, dims, true), comm_) / total;
  const Variable centred = x - mu;
  const Variable var = all_sum(sum(centred * centred, dims, true), comm_) / total;
  const Variable x_hat = centred * rsqrt(var + options_.eps);
  if (options_.track_running_stats) {
    // The same bytes on every rank (all_sum): the buffers stay identical.
    NoGradGuard no_grad;
    const double k = options_.momentum;
    running_mean.value().mul_(1 - k).add_(reshape(mu.value(), {num_features_}), k);
    running_var.value().mul_(1 - k).add_(reshape(var.value(), {num_features_}),
                                         k * total / (total - 1));
  }
  const Shape channel = x.dim() == 2 ? Shape{1, num_features_} : Shape{1, num_features_, 1};
  Variable y = x_hat;
  if (weight.defined()) y = y * reshape(weight, channel);
  if (bias.defined()) y = y + reshape(bias, channel);
  return y;
}

std::string SyncBatchNorm::extra_repr() const {
  std::ostringstream out;
  out << num_features_ << ", eps=" << options_.eps << ", momentum=" << options_.momentum
      << ", affine=" << (options_.affine ? "true" : "false") << ", ranks=" << comm_.size();
  if (!options_.track_running_stats) out << ", track_running_stats=false";
  return out.str();
}

}  // namespace nabla::distributed
