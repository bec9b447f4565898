// The thread contract of docs/reliability.md ("Threads"): independent models,
// optimizers and graphs trained on several threads at once give the bytes each
// gives alone. Each loop uses what is per thread (grad mode, NoGradGuard,
// kept-values guards, module scopes, the allocator caches), what is shared
// behind a lock or an atomic (the scope registry, the kept-values table, node
// numbering, the default generator that load_training_state restores) and
// checkpoint files of its own. The ThreadSanitizer build (`make tsan`) runs
// this test to find the races that do not change the bytes.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/kept_values.h"
#include "autograd/variable.h"
#include "checkpoint/training_state.h"
#include "metrics/history.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/init.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "temp_dir.h"
#include "tensor/elementwise.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/state_dict.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using nabla::testing::TempDir;

constexpr int kLoops = 4;
constexpr int kSteps = 30;
constexpr int kSaveAt = 12;  // the step after which the loop saves and resumes from the file

/// What a loop ends with, as bytes: every parameter, buffer and optimizer
/// state tensor, the loss of every step and the evaluations.
struct LoopResult {
  std::vector<std::string> state;
  std::vector<float> losses;
  int eval_outputs_with_grad = 0;        // under NoGradGuard: must stay 0
  int training_losses_without_grad = 0;  // with grad mode on: must stay 0
};

std::string bytes_of(const Tensor& t) {
  Tensor c = t.contiguous();
  const char* p = static_cast<const char*>(c.raw_data());
  return p == nullptr ? std::string() : std::string(p, p + c.numel() * c.element_size());
}

void append_state(const StateDict& dict, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [key, t] : dict) out.push_back(prefix + key + ":" + bytes_of(t));
}

/// Loop `id`'s model: its initial weights come from `gen`, its Dropout has its
/// own seed, so nothing is drawn from the generator threads share. Loop 0 is
/// wide enough that its elementwise kernels split across the kernel threads.
std::unique_ptr<nn::Sequential> make_model(int id, Generator& gen) {
  const std::int64_t hidden = id == 0 ? 512 : 24;
  auto model = std::make_unique<nn::Sequential>(
      nn::Linear(8, hidden, {.weight_initializer = nn::init::glorot_uniform(1.0, &gen)}),
      nn::BatchNorm1d(hidden), nn::ReLU(),
      nn::Dropout({.p = 0.2, .seed = static_cast<std::uint64_t>(40 + id)}),
      nn::Linear(hidden, 3, {.weight_initializer = nn::init::glorot_uniform(1.0, &gen)}));
  // A gradient hook on the first weight (halves its gradient).
  model->named_parameters().front().second.register_hook([](const Tensor& g) { return g * 0.5; });
  return model;
}

std::unique_ptr<optim::Optimizer> make_optimizer(int id, nn::Module& model) {
  switch (id % 3) {
    case 0:
      return std::make_unique<optim::SGD>(model.named_parameters(),
                                          optim::SGDOptions{.lr = 0.05, .momentum = 0.9});
    case 1:
      return std::make_unique<optim::Adam>(model.named_parameters(),
                                           optim::AdamOptions{.lr = 1e-2});
    default:
      return std::make_unique<optim::RMSprop>(model.named_parameters(),
                                              optim::RMSpropOptions{.lr = 1e-3});
  }
}

/// A few dozen training steps of loop `id`, saving a training state to `file`
/// half-way and continuing with a fresh model and optimizer loaded from it.
/// `probe`, read by every loop (a data set the threads share: reading one
/// tensor from several threads is allowed while none writes to it).
LoopResult run_loop(int id, const fs::path& file, const Tensor& probe) {
  LoopResult result;
  Generator init_gen(100 + static_cast<std::uint64_t>(id));
  Generator data_gen(200 + static_cast<std::uint64_t>(id));
  std::unique_ptr<nn::Sequential> model = make_model(id, init_gen);
  std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(id, *model);
  metrics::History history;
  const std::int64_t batch = id == 0 ? 128 : 32;
  for (int step = 0; step < kSteps; ++step) {
    const Variable x(randn({batch, 8}, data_gen));
    const Tensor labels = randint(0, 3, {batch}, data_gen);
    optimizer->zero_grad();
    Variable loss;
    {
      // Loops 2 and 3 record into the process-wide kept-values table.
      std::unique_ptr<autograd::KeepValuesGuard> keep;
      if (id >= 2) keep = std::make_unique<autograd::KeepValuesGuard>();
      loss = nn::cross_entropy((*model)(x), labels);
      if (!loss.requires_grad()) ++result.training_losses_without_grad;
      loss.backward();
    }
    optimizer->step();
    result.losses.push_back(loss.value().item<float>());
    metrics::Logs logs;
    logs.set("loss", result.losses.back());
    history.append(step, logs);

    if (step % 5 == 4) {
      model->eval();
      {
        NoGradGuard no_grad;
        const Variable y = (*model)(x);
        const Variable p = (*model)(Variable(probe));
        if (y.requires_grad() || p.requires_grad()) ++result.eval_outputs_with_grad;
        result.losses.push_back(sum(p.value()).item<float>());
      }
      model->train();
    }
    if (step == kSaveAt) {
      save_training_state(file, *model, *optimizer, step + 1, history);
      Generator other_init(900 + static_cast<std::uint64_t>(id));
      model = make_model(id, other_init);
      optimizer = make_optimizer(id, *model);
      metrics::History loaded;
      if (load_training_state(file, *model, *optimizer, loaded) != step + 1)
        throw std::runtime_error("load_training_state returned the wrong epoch");
      history = loaded;
    }
  }
  append_state(model->state_dict(), "model.", result.state);
  append_state(optimizer->state_dict(), "optimizer.", result.state);
  return result;
}

TEST(Threads, IndependentTrainingLoopsMatchTheirSingleThreadedRuns) {
  TempDir dir;
  Generator probe_gen(300);
  const Tensor probe = randn({16, 8}, probe_gen);
  std::vector<LoopResult> alone;
  for (int id = 0; id < kLoops; ++id)
    alone.push_back(run_loop(id, dir / ("alone_" + std::to_string(id) + ".safetensors"), probe));

  std::vector<LoopResult> together(kLoops);
  std::vector<std::exception_ptr> errors(kLoops);
  std::vector<std::thread> threads;
  for (int id = 0; id < kLoops; ++id)
    threads.emplace_back([&, id] {
      try {
        together[id] = run_loop(id, dir / ("thread_" + std::to_string(id) + ".safetensors"), probe);
      } catch (...) {
        errors[id] = std::current_exception();
      }
    });
  for (std::thread& t : threads) t.join();

  for (int id = 0; id < kLoops; ++id) {
    SCOPED_TRACE("loop " + std::to_string(id));
    if (errors[id]) {
      try {
        std::rethrow_exception(errors[id]);
      } catch (const std::exception& e) {
        FAIL() << e.what();
      }
    }
    EXPECT_EQ(alone[id].eval_outputs_with_grad, 0);
    EXPECT_EQ(together[id].eval_outputs_with_grad, 0);
    EXPECT_EQ(alone[id].training_losses_without_grad, 0);
    EXPECT_EQ(together[id].training_losses_without_grad, 0);
    ASSERT_EQ(together[id].losses.size(), alone[id].losses.size());
    // Bit for bit: the losses as bytes, then every state tensor.
    EXPECT_EQ(std::memcmp(alone[id].losses.data(), together[id].losses.data(),
                          alone[id].losses.size() * sizeof(float)),
              0);
    EXPECT_EQ(alone[id].state, together[id].state);
  }
  // The loops are different computations: equal results would prove nothing.
  EXPECT_NE(alone[1].state, alone[2].state);
}

}  // namespace
}  // namespace nabla::checkpoint
