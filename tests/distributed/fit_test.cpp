// train::fit with a communicator, on however many ranks the test runs on
// (CTest: 1, 2 and 3): the accuracy of one process, the same logs and
// decisions on every rank, one checkpoint written by rank 0, and a training
// state resumed on every rank continuing as if never stopped.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "callbacks/early_stopping.h"
#include "callbacks/model_checkpoint.h"
#include "checkpoint/model_file.h"
#include "checkpoint/training_state.h"
#include "data/synthetic.h"
#include "distributed/communicator.h"
#include "distributed/rank_zero.h"
#include "metrics/history.h"
#include "nn/activation_modules.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "tensor/ops.h"
#include "test_util.h"
#include "train/fit.h"

namespace nabla::distributed {
namespace {

namespace fs = std::filesystem;
using testing::values;

constexpr std::int64_t kGlobalBatch = 12;  // 12 / ranks per rank on 1, 2 and 3 ranks

std::shared_ptr<nn::Sequential> make_model() {
  manual_seed(3);
  return std::make_shared<nn::Sequential>(nn::Linear(2, 16), nn::ReLU(),
                                          nn::Dropout({.p = 0.1, .seed = 9}), nn::Linear(16, 3));
}

data::Dataset blobs() {
  return data::datasets::blobs({.n_per_class = 40, .std = 1.0, .seed = 4});
}

double accuracy(nn::Module& model, const data::Dataset& d) {
  const std::vector<double> predicted = values(train::predict_classes(model, d));
  const std::vector<double> labels = values(d.targets());
  double right = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) right += predicted[i] == labels[i] ? 1 : 0;
  return right / static_cast<double>(labels.size());
}

// Every rank's bytes of `t` equal rank 0's.
bool same_everywhere(const Communicator& comm, const Tensor& t) {
  const Tensor all = comm.allgather(t);
  const std::size_t bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
  const auto* base = static_cast<const unsigned char*>(all.raw_data());
  for (int q = 1; q < comm.size(); ++q)
    if (std::memcmp(base, base + q * bytes, bytes) != 0) return false;
  return true;
}

TEST(DistributedFit, ReachesTheAccuracyOfOneProcess) {
  const Communicator comm = Communicator::world();
  const data::Dataset d = blobs();
  auto alone = make_model();
  optim::Adam adam_alone(alone->parameters(), {.lr = 0.01});
  train::fit(*alone, nn::CrossEntropyLoss{}, adam_alone, d,
             {.epochs = 6, .batch_size = kGlobalBatch, .seed = 1, .verbose = 0});

  auto model = make_model();
  optim::Adam adam(model->parameters(), {.lr = 0.01});
  const metrics::History history = train::fit(*model, nn::CrossEntropyLoss{}, adam, d,
                                              {.epochs = 6,
                                               .batch_size = kGlobalBatch / comm.size(),
                                               .seed = 1,
                                               .metrics = {"accuracy"},
                                               .verbose = 0,
                                               .communicator = comm});
  const double single = accuracy(*alone, d), distributed = accuracy(*model, d);
  EXPECT_GT(single, 0.9);
  EXPECT_GT(distributed, 0.9);
  EXPECT_NEAR(distributed, single, 0.05);
  // Every rank logged the same (averaged) numbers and holds the same weights.
  const std::vector<double> losses = history["loss"];
  EXPECT_TRUE(
      same_everywhere(comm, from_vector(losses, Shape{static_cast<std::int64_t>(losses.size())})));
  for (const Variable& p : model->parameters()) EXPECT_TRUE(same_everywhere(comm, p.value()));
}

TEST(DistributedFit, EarlyStoppingStopsEveryRankAtTheSameEpoch) {
  const Communicator comm = Communicator::world();
  auto model = make_model();
  optim::Adam adam(model->parameters(), {.lr = 0.01});
  // A threshold no epoch meets: patience 1 stops after the second epoch, on every rank.
  auto stop = std::make_shared<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.monitor = "loss", .min_delta = 100.0, .patience = 1});
  const metrics::History history = train::fit(
      *model, nn::CrossEntropyLoss{}, adam, blobs(),
      {.epochs = 10, .batch_size = 4, .callbacks = {stop}, .verbose = 0, .communicator = comm});
  EXPECT_EQ(history.size(), 2);
  EXPECT_EQ(stop->stopped_epoch(), 1);
}

TEST(DistributedFit, RankZeroWritesTheCheckpoint) {
  const Communicator comm = Communicator::world();
  const fs::path dir = fs::path("distributed_fit_checkpoint_np" + std::to_string(comm.size()));
  if (comm.rank() == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  comm.barrier();
  auto model = make_model();
  optim::Adam adam(model->parameters(), {.lr = 0.01});
  auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>(
      callbacks::ModelCheckpointOptions{.filepath = (dir / "model.safetensors").string()});
  train::fit(*model, nn::CrossEntropyLoss{}, adam, blobs(),
             {.epochs = 2,
              .batch_size = 4,
              .callbacks = {on_rank_zero(comm, checkpoint)},
              .verbose = 0,
              .communicator = comm});
  comm.barrier();
  // One file, which load_model reads into a fresh model: the trained weights.
  std::int64_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1);
  auto loaded = make_model();
  checkpoint::load_model(dir / "model.safetensors", *loaded);
  const auto trained = model->parameters(), read = loaded->parameters();
  for (std::size_t k = 0; k < trained.size(); ++k)
    EXPECT_EQ(values(read[k].value()), values(trained[k].value()));
  comm.barrier();
  if (comm.rank() == 0) fs::remove_all(dir);
}

TEST(DistributedFit, ResumedOnEveryRankContinuesAsIfNeverStopped) {
  const Communicator comm = Communicator::world();
  const data::Dataset d = blobs();
  const train::FitOptions options{
      .epochs = 3, .batch_size = 6, .seed = 2, .verbose = 0, .communicator = comm};
  auto straight = make_model();
  optim::Adam adam_straight(straight->parameters(), {.lr = 0.01});
  train::fit(*straight, nn::CrossEntropyLoss{}, adam_straight, d, options);

  const fs::path path = "distributed_resume_np" + std::to_string(comm.size()) + ".safetensors";
  {
    auto model = make_model();
    optim::Adam adam(model->parameters(), {.lr = 0.01});
    train::FitOptions first = options;
    first.epochs = 1;
    const metrics::History history = train::fit(*model, nn::CrossEntropyLoss{}, adam, d, first);
    if (comm.rank() == 0) checkpoint::save_training_state(path, *model, adam, 1, history);
    comm.barrier();
  }
  auto model = make_model();
  optim::Adam adam(model->parameters(), {.lr = 0.01});
  metrics::History history;
  train::FitOptions rest = options;
  rest.initial_epoch = checkpoint::load_training_state(path, *model, adam, history);
  train::fit(*model, nn::CrossEntropyLoss{}, adam, d, rest);
  const auto a = straight->parameters(), b = model->parameters();
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_EQ(values(b[k].value()), values(a[k].value()));
  comm.barrier();
  if (comm.rank() == 0) fs::remove(path);
}

}  // namespace
}  // namespace nabla::distributed
