// DataParallel on however many ranks the test runs on (CTest: 1, 2 and 3).
// The reference gradients are computed on every rank by a plain model without
// DataParallel, by the definition of data-parallel training: the mean over
// the ranks of each rank's gradient on its shard of the batch (with BatchNorm,
// each shard normalised by its own statistics; with Dropout, rank r's masks
// drawn from rank_seed(seed, r)). Without BatchNorm that is the gradient of
// the whole batch in one forward.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/sgd.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::distributed {
namespace {

using testing::expect_error;
using testing::values;

constexpr std::uint64_t kDropoutSeed = 77;
constexpr std::int64_t kBatch = 12;  // divides evenly on 1, 2, 3 and 4 ranks

// The same initial weights on every rank (and in every reference model).
std::shared_ptr<nn::Sequential> make_mlp(bool batch_norm_and_dropout, DType dtype) {
  manual_seed(5);
  auto model = std::make_shared<nn::Sequential>();
  model->add(nn::Linear(4, 8));
  if (batch_norm_and_dropout) model->add(nn::BatchNorm1d(8));
  model->add(nn::Tanh());
  if (batch_norm_and_dropout) model->add(nn::Dropout({.p = 0.25, .seed = kDropoutSeed}));
  model->add(nn::Linear(8, 3));
  model->to(dtype);
  return model;
}

struct Batch {
  Tensor x;
  Tensor y;
};

// The global batch, the same on every rank (seeded), in `dtype`.
Batch global_batch(std::uint64_t seed, DType dtype) {
  Generator gen(seed);
  return {randn({kBatch, 4}, gen, dtype), randint(0, 3, {kBatch}, gen)};
}

// Rows [r B/p, (r+1) B/p) of the batch: rank r's shard.
Batch shard(const Batch& b, int rank, int ranks) {
  const std::int64_t n = kBatch / ranks;
  return {narrow(b.x, 0, rank * n, n).contiguous(), narrow(b.y, 0, rank * n, n).contiguous()};
}

Variable loss_of(nn::Module& model, const Variable& outputs, const Tensor& y) {
  (void)model;
  return nn::CrossEntropyLoss{}(outputs, y);
}

std::vector<Tensor> gradients(const nn::Module& model) {
  std::vector<Tensor> grads;
  for (const Variable& p : model.parameters()) grads.push_back(p.grad().clone());
  return grads;
}

void reseed_dropout(nn::Module& model, int rank) {
  for (auto& [path, module] : model.named_modules())
    for (auto& [name, generator] : module->named_generators())
      generator->seed(rank_seed(kDropoutSeed, rank));
}

// The mean over the ranks of each rank's gradient on its shard, computed here
// by one plain model: sum_r (loss_r / p), backward.
std::vector<Tensor> reference_gradients(bool batch_norm_and_dropout,
                                        DType dtype,
                                        const Batch& batch,
                                        int ranks) {
  auto model = make_mlp(batch_norm_and_dropout, dtype);
  for (int r = 0; r < ranks; ++r) {
    reseed_dropout(*model, r);
    const Batch part = shard(batch, r, ranks);
    Variable loss = loss_of(*model, (*model)(Variable(part.x)), part.y);
    (loss * (1.0 / ranks)).backward();
  }
  return gradients(*model);
}

void expect_gradients_near(const std::vector<Tensor>& got,
                           const std::vector<Tensor>& expected,
                           double tol) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    const std::vector<double> g = values(got[k]), e = values(expected[k]);
    ASSERT_EQ(g.size(), e.size());
    for (std::size_t i = 0; i < g.size(); ++i)
      EXPECT_NEAR(g[i], e[i], tol * (1 + std::abs(e[i]))) << "parameter " << k << ", element " << i;
  }
}

// Every rank's bytes of the parameters equal rank 0's.
void expect_same_parameters_everywhere(const Communicator& comm, const nn::Module& model) {
  for (const Variable& p : model.parameters()) {
    const Tensor all = comm.allgather(p.value());
    const std::size_t bytes = static_cast<std::size_t>(p.numel()) * p.value().element_size();
    const auto* base = static_cast<const unsigned char*>(all.raw_data());
    for (int q = 1; q < comm.size(); ++q)
      EXPECT_EQ(std::memcmp(base, base + q * bytes, bytes), 0) << "rank " << q << " differs";
  }
}

// One data-parallel step's gradients: this rank's shard through dp.
std::vector<Tensor> data_parallel_gradients(bool batch_norm_and_dropout,
                                            DType dtype,
                                            const Batch& batch) {
  const Communicator comm = Communicator::world();
  auto model = make_mlp(batch_norm_and_dropout, dtype);
  DataParallel dp(*model, comm);
  const Batch mine = shard(batch, comm.rank(), comm.size());
  loss_of(*model, dp(Variable(mine.x)), mine.y).backward();
  dp.finish();
  return gradients(*model);
}

TEST(DataParallel, GradientsOfTheWholeBatchF64) {
  const Communicator comm = Communicator::world();
  const Batch batch = global_batch(11, DType::f64);
  // Without BatchNorm the reference is literally one forward of the whole batch.
  auto whole = make_mlp(false, DType::f64);
  loss_of(*whole, (*whole)(Variable(batch.x)), batch.y).backward();
  expect_gradients_near(data_parallel_gradients(false, DType::f64, batch), gradients(*whole),
                        1e-12);
}

TEST(DataParallel, GradientsWithBatchNormAndDropoutF64) {
  const Communicator comm = Communicator::world();
  const Batch batch = global_batch(12, DType::f64);
  expect_gradients_near(data_parallel_gradients(true, DType::f64, batch),
                        reference_gradients(true, DType::f64, batch, comm.size()), 1e-12);
}

TEST(DataParallel, GradientsWithBatchNormAndDropoutF32) {
  const Communicator comm = Communicator::world();
  const Batch batch = global_batch(13, DType::f32);
  // f32: equal to rounding (the reference adds loss_r / p, dp averages g_r).
  expect_gradients_near(data_parallel_gradients(true, DType::f32, batch),
                        reference_gradients(true, DType::f32, batch, comm.size()), 1e-5);
}

TEST(DataParallel, DropoutMasksDifferPerRank) {
  EXPECT_EQ(rank_seed(kDropoutSeed, 0), kDropoutSeed);
  EXPECT_NE(rank_seed(kDropoutSeed, 1), kDropoutSeed);
  EXPECT_NE(rank_seed(kDropoutSeed, 1), rank_seed(kDropoutSeed, 2));
  const Communicator comm = Communicator::world();
  auto model = make_mlp(true, DType::f64);
  DataParallel dp(*model, comm);
  for (auto& [path, module] : model->named_modules())
    for (auto& [name, generator] : module->named_generators())
      EXPECT_EQ(generator->initial_seed(), rank_seed(kDropoutSeed, comm.rank()));
}

TEST(DataParallel, WeightsIdenticalOnEveryRankAfterSteps) {
  const Communicator comm = Communicator::world();
  // Each rank starts from its own weights: the construction broadcasts rank 0's.
  auto model = make_mlp(true, DType::f32);
  Generator init(100 + static_cast<std::uint64_t>(comm.rank()));
  for (const Variable& p : model->parameters()) {
    NoGradGuard no_grad;
    Tensor v = p.value();
    normal_(v, 0.0, 1.0, init);
  }
  DataParallel dp(*model, comm);
  expect_same_parameters_everywhere(comm, *model);
  optim::SGD sgd(model->parameters(), {.lr = 0.1, .momentum = 0.9});
  Generator gen(200 + static_cast<std::uint64_t>(comm.rank()));  // different data per rank
  for (int step = 0; step < 4; ++step) {
    sgd.zero_grad();
    Tensor x = randn({5, 4}, gen);
    Tensor y = randint(0, 3, {5}, gen);
    loss_of(*model, dp(Variable(x)), y).backward();
    dp.finish();
    sgd.step();
  }
  expect_same_parameters_everywhere(comm, *model);
}

TEST(DataParallel, BucketsInReverseOrderLaunchedInTheSameOrderEverywhere) {
  const Communicator comm = Communicator::world();
  auto model = make_mlp(true, DType::f64);
  // Small buckets (f64: 24 to 256 bytes per parameter) give several.
  DataParallel dp(*model, comm, {.first_bucket_bytes = 100, .bucket_bytes = 300});
  const auto& buckets = dp.buckets();
  ASSERT_GE(buckets.size(), 3u);
  // The first bucket holds the last registered parameter; every parameter is in one bucket.
  EXPECT_EQ(buckets.front().front(), dp.parameters().size() - 1);
  std::vector<int> seen(dp.parameters().size(), 0);
  for (const auto& bucket : buckets)
    for (std::size_t k : bucket) ++seen[k];
  EXPECT_EQ(seen, std::vector<int>(dp.parameters().size(), 1));

  const Batch mine = shard(global_batch(14, DType::f64), comm.rank(), comm.size());
  loss_of(*model, dp(Variable(mine.x)), mine.y).backward();
  // backward itself completed the reduction: finish() has nothing left to do.
  std::vector<double> order;
  for (std::size_t b : dp.launch_order()) order.push_back(static_cast<double>(b));
  ASSERT_EQ(order.size(), buckets.size());
  for (std::size_t b = 0; b < order.size(); ++b) EXPECT_EQ(order[b], static_cast<double>(b));
  const Tensor all =
      comm.allgather(from_vector(order, Shape{static_cast<std::int64_t>(order.size())}));
  for (int q = 0; q < comm.size(); ++q)
    EXPECT_EQ(values(narrow(all, 0, q, 1).contiguous()), order) << "rank " << q;
}

TEST(DataParallel, NoSyncAccumulatesLocallyThenReducesTheSum) {
  const Communicator comm = Communicator::world();
  const int p = comm.size();
  const Batch a = global_batch(21, DType::f64), b = global_batch(22, DType::f64);
  auto model = make_mlp(false, DType::f64);
  DataParallel dp(*model, comm);
  const Batch a_mine = shard(a, comm.rank(), p), b_mine = shard(b, comm.rank(), p);
  {
    auto guard = dp.no_sync();
    loss_of(*model, dp(Variable(a_mine.x)), a_mine.y).backward();
  }
  // Inside no_sync: this rank's own gradient, not averaged.
  auto local = make_mlp(false, DType::f64);
  loss_of(*local, (*local)(Variable(a_mine.x)), a_mine.y).backward();
  expect_gradients_near(gradients(*model), gradients(*local), 1e-12);

  loss_of(*model, dp(Variable(b_mine.x)), b_mine.y).backward();
  dp.finish();
  // Then: mean over r of (g(A_r) + g(B_r)).
  auto reference = make_mlp(false, DType::f64);
  for (int r = 0; r < p; ++r) {
    for (const Batch* batch : {&a, &b}) {
      const Batch part = shard(*batch, r, p);
      (loss_of(*reference, (*reference)(Variable(part.x)), part.y) * (1.0 / p)).backward();
    }
  }
  expect_gradients_near(gradients(*model), gradients(*reference), 1e-12);
}

// A model with a layer its forward never uses.
class OneHeadUsed : public nn::Module {
 public:
  OneHeadUsed() {
    manual_seed(8);
    used_ = register_module("used", std::make_shared<nn::Linear>(4, 3));
    unused_ = register_module("unused", std::make_shared<nn::Linear>(4, 3));
    to(DType::f64);
  }
  Variable forward(const Variable& x) override { return used_(x); }
  nn::Submodule<nn::Linear> used_, unused_;
};

TEST(DataParallel, FinishReducesBucketsBackwardDidNotComplete) {
  const Communicator comm = Communicator::world();
  OneHeadUsed model;
  DataParallel dp(model, comm);
  const Batch mine = shard(global_batch(31, DType::f64), comm.rank(), comm.size());
  loss_of(model, dp(Variable(mine.x)), mine.y).backward();
  // The bucket holding the unused layer never started: the next forward refuses.
  expect_error([&] { (void)dp(Variable(mine.x)); }, {"DataParallel", "finish()"});
  dp.finish();
  EXPECT_EQ(values(model.unused_->weight.grad()), std::vector<double>(12, 0.0));
  // The used layer's gradient is the whole batch's.
  OneHeadUsed whole;
  const Batch batch = global_batch(31, DType::f64);
  loss_of(whole, whole(Variable(batch.x)), batch.y).backward();
  expect_gradients_near({model.used_->weight.grad()}, {whole.used_->weight.grad()}, 1e-12);
  (void)dp(Variable(mine.x));  // accepted again
}

TEST(DataParallel, BroadcastsBuffersBeforeEachTrainingForward) {
  const Communicator comm = Communicator::world();
  manual_seed(5);
  nn::Sequential model(nn::Linear(4, 8), nn::BatchNorm1d(8, {.momentum = 0.0}));
  model.to(DType::f64);
  DataParallel dp(model, comm);
  // Momentum 0 keeps the running statistics: what the forward leaves is what it was given.
  for (auto& [name, buffer] : model.named_buffers()) buffer.fill_(comm.rank() + 1.0);
  const Batch mine = shard(global_batch(41, DType::f64), comm.rank(), comm.size());
  model.eval();
  (void)dp(Variable(mine.x));  // evaluation: no broadcast
  for (auto& [name, buffer] : model.named_buffers())
    EXPECT_EQ(values(buffer), std::vector<double>(8, comm.rank() + 1.0)) << name;
  model.train();
  (void)dp(Variable(mine.x));
  for (auto& [name, buffer] : model.named_buffers())
    EXPECT_EQ(values(buffer), std::vector<double>(8, 1.0)) << name;
}

TEST(DataParallel, RejectsBadBucketSizes) {
  const Communicator comm = Communicator::world();
  auto model = make_mlp(false, DType::f64);
  expect_error([&] { DataParallel dp(*model, comm, {.bucket_bytes = 0}); },
               {"DataParallel", "bucket_bytes = 0"});
}

}  // namespace
}  // namespace nabla::distributed
