// SyncBatchNorm and all_sum on however many ranks the test runs on (CTest: 1,
// 2 and 3), in f64: the outputs, gradients and running statistics of
// BatchNorm1d on the concatenated batch (shards of unequal sizes), a
// finite-difference gradcheck of the loss summed over the ranks, and a
// DataParallel step equal to one process's step on the whole batch.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "distributed/sync_batch_norm.h"
#include "nn/batch_norm.h"
#include "nn/linear.h"
#include "nn/sequential.h"
#include "optim/sgd.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::distributed {
namespace {

using testing::expect_error;
using testing::values;

constexpr std::int64_t kChannels = 3;

// Rank q holds q + 2 rows: shards of unequal sizes.
std::int64_t rows_of(int q) {
  return q + 2;
}
std::int64_t first_row(int q) {
  std::int64_t at = 0;
  for (int k = 0; k < q; ++k) at += rows_of(k);
  return at;
}
std::int64_t total_rows(const Communicator& comm) {
  return first_row(comm.size());
}

// The rows of this rank from a tensor of every rank's rows.
Tensor mine(const Communicator& comm, const Tensor& all) {
  return narrow(all, 0, first_row(comm.rank()), rows_of(comm.rank())).contiguous();
}

void expect_near(const Tensor& a, const Tensor& b, double tolerance) {
  const std::vector<double> x = values(a), y = values(b);
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], tolerance) << "element " << i;
}

// γ and β not 1 and 0, the same on every rank.
template <class BN>
void set_affine(BN& bn) {
  bn.weight.value().copy_(from_vector(std::vector<double>{0.5, 2.0, -1.5}));
  bn.bias.value().copy_(from_vector(std::vector<double>{0.1, -0.3, 0.7}));
}

TEST(AllSum, SumsAndItsGradientSumsTheRanksGradients) {
  const Communicator comm = Communicator::world();
  const double p = comm.size(), r = comm.rank();
  // Rank r passes (r + 1) · [1, 2]; the sum is p(p+1)/2 · [1, 2].
  Variable x(mul(from_vector(std::vector<double>{1, 2}), full({}, r + 1, DType::f64)), true);
  Variable y = all_sum(x, comm);
  EXPECT_EQ(values(y.value()), (std::vector<double>{p * (p + 1) / 2, p * (p + 1)}));
  // L_r = (r + 1) · Σ y: ∂(Σ_r L_r)/∂x = Σ_r (r + 1) = p(p+1)/2 on every rank.
  sum(y * (r + 1)).backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>(2, p * (p + 1) / 2));
  expect_error([&] { (void)all_sum(Variable(zeros({2}, DType::i64)), comm); },
               {"all_sum", "floating"});
}

// Forward, backward and running statistics against BatchNorm1d on the
// concatenated batch, for [N, C] (extra = 0) and [N, C, L] inputs.
void expect_as_one_batch(std::int64_t length) {
  const Communicator comm = Communicator::world();
  Generator gen(21);
  const std::int64_t n = total_rows(comm);
  const Shape shape = length == 0 ? Shape{n, kChannels} : Shape{n, kChannels, length};
  const Tensor x_all = add(randn(shape, gen, DType::f64), full({}, 3.0, DType::f64));
  const Tensor w_all = randn(shape, gen, DType::f64);  // L = Σ w ⊙ y

  nn::BatchNorm1d whole(kChannels);
  whole.to(DType::f64);
  set_affine(whole);
  Variable x_whole(x_all, true);
  const Variable y_whole = whole(x_whole);
  sum(y_whole * Variable(w_all)).backward();

  SyncBatchNorm sync(kChannels, comm);
  sync.to(DType::f64);
  set_affine(sync);
  Variable x(mine(comm, x_all), true);
  const Variable y = sync(x);
  sum(y * Variable(mine(comm, w_all))).backward();

  expect_near(y.value(), mine(comm, y_whole.value()), 1e-12);
  expect_near(x.grad(), mine(comm, x_whole.grad()), 1e-11);
  // γ and β: each rank holds ∂L_r/∂γ; their sum is ∂L/∂γ of the whole batch.
  Tensor dgamma = sync.weight.grad().clone(), dbeta = sync.bias.grad().clone();
  comm.allreduce_(dgamma);
  comm.allreduce_(dbeta);
  expect_near(dgamma, whole.weight.grad(), 1e-11);
  expect_near(dbeta, whole.bias.grad(), 1e-11);
  expect_near(sync.running_mean.value(), whole.running_mean.value(), 1e-13);
  expect_near(sync.running_var.value(), whole.running_var.value(), 1e-13);

  // Evaluation: the running statistics, no communication.
  sync.eval();
  whole.eval();
  expect_near(sync(Variable(mine(comm, x_all))).value(), mine(comm, whole(Variable(x_all)).value()),
              1e-12);
}

TEST(SyncBatchNorm, IsBatchNormOfTheConcatenatedBatch) {
  expect_as_one_batch(0);
}

TEST(SyncBatchNorm, IsBatchNormOfTheConcatenatedBatch3d) {
  expect_as_one_batch(2);
}

TEST(SyncBatchNorm, FiniteDifferenceGradcheck) {
  // The loss of the run is L = Σ_r L_r, which every rank computes (all_sum).
  // Every rank perturbs in lockstep: element i of rank q's input is moved by
  // ±h on rank q only, and (L(+h) − L(−h)) / 2h is compared with rank q's
  // analytic gradient.
  const Communicator comm = Communicator::world();
  Generator gen(5);
  const std::int64_t n = total_rows(comm);
  const Tensor x_all = randn({n, kChannels}, gen, DType::f64);
  const Tensor w_all = randn({n, kChannels}, gen, DType::f64);
  SyncBatchNorm bn(kChannels, comm, {.track_running_stats = false});
  bn.to(DType::f64);
  set_affine(bn);
  const Tensor w = mine(comm, w_all);
  const auto loss = [&](const Tensor& x) {
    return all_sum(sum(bn(Variable(x)) * Variable(w)), comm).value().item<double>();
  };
  Variable x(mine(comm, x_all), true);
  sum(bn(x) * Variable(w)).backward();
  const std::vector<double> analytic = values(x.grad());
  const double h = 1e-6;
  for (int q = 0; q < comm.size(); ++q) {
    for (std::int64_t i = 0; i < rows_of(q) * kChannels; ++i) {
      double sides[2];
      for (int s = 0; s < 2; ++s) {
        Tensor moved = x.value().clone();
        if (q == comm.rank()) moved.data<double>()[i] += s == 0 ? h : -h;
        sides[s] = loss(moved);
      }
      if (q == comm.rank()) {
        EXPECT_NEAR((sides[0] - sides[1]) / (2 * h), analytic[static_cast<std::size_t>(i)], 1e-7)
            << "rank " << q << ", element " << i;
      }
    }
  }
}

TEST(SyncBatchNorm, DataParallelStepsAsOneProcessOnTheWholeBatch) {
  // Linear → BatchNorm → Linear, one SGD step on the mean squared output:
  // N ranks with SyncBatchNorm (equal shards, as DataParallel's mean of the
  // ranks' gradients assumes) against one process on the concatenated batch.
  const Communicator comm = Communicator::world();
  const std::int64_t per_rank = 4, n = per_rank * comm.size();
  Generator gen(9);
  const Tensor x_all = randn({n, 2}, gen, DType::f64);
  manual_seed(17);
  nn::Sequential whole(nn::Linear(2, kChannels), nn::BatchNorm1d(kChannels),
                       nn::Linear(kChannels, 1));
  whole.to(DType::f64);
  optim::SGD sgd_whole(whole.parameters(), {.lr = 0.1});
  const Variable out_whole = whole(Variable(x_all));
  mean(out_whole * out_whole).backward();
  sgd_whole.step();

  manual_seed(17);
  nn::Sequential model(nn::Linear(2, kChannels), SyncBatchNorm(kChannels, comm),
                       nn::Linear(kChannels, 1));
  model.to(DType::f64);
  DataParallel dp(model, comm);
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  const Variable out = dp(Variable(narrow(x_all, 0, comm.rank() * per_rank, per_rank)));
  mean(out * out).backward();
  dp.finish();
  sgd.step();

  const auto a = whole.parameters(), b = model.parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) expect_near(b[k].value(), a[k].value(), 1e-12);
}

TEST(SyncBatchNorm, RejectsMisuse) {
  const Communicator comm = Communicator::world();
  expect_error([&] { SyncBatchNorm(0, comm); }, {"SyncBatchNorm", "num_features", "0"});
  expect_error([&] { SyncBatchNorm(2, comm, {.momentum = 2}); }, {"SyncBatchNorm", "momentum"});
  SyncBatchNorm bn(3, comm);
  expect_error([&] { (void)bn(Variable(zeros({4, 2}))); }, {"SyncBatchNorm", "[N, 3]", "[4, 2]"});
  expect_error(
      [&] {
        (void)bn(Variable(zeros({4, 3}, DType::f64)));
      },
      {"SyncBatchNorm", "dtype", "f64"});
  // One value per channel over all ranks: only rank 0 has a row. Every rank
  // counts the same total, so every rank throws.
  expect_error(
      [&] {
        (void)bn(Variable(zeros({comm.rank() == 0 ? 1 : 0, 3})));
      },
      {"SyncBatchNorm", "more than one value per channel over all ranks", "1"});
}

}  // namespace
}  // namespace nabla::distributed
