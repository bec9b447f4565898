// save_model / load_model and save_training_state / load_training_state:
// bitwise model round trips, mismatch reports, and training that resumes from
// a checkpoint exactly as if it had never stopped.

#include "train/checkpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "checkpoint_test_util.h"
#include "data/data_loader.h"
#include "data/dataset.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "test_util.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;
using testing::TempDir;
using testing::tensor_bytes;

/// Linear + BatchNorm1d + a Dropout with its own seed + a Dropout drawing
/// from the default generator. Its initial weights come from the default
/// generator, so they depend on manual_seed.
std::unique_ptr<nn::Sequential> make_model(std::int64_t hidden = 8) {
  return std::make_unique<nn::Sequential>(nn::Linear(4, hidden), nn::BatchNorm1d(hidden),
                                          nn::ReLU(), nn::Dropout({.p = 0.25, .seed = 11}),
                                          nn::Linear(hidden, 6), nn::Dropout({.p = 0.1}),
                                          nn::Linear(6, 2));
}

/// Every parameter and buffer as (key, dtype, shape, bytes).
std::vector<std::string> state_bytes(const nn::Module& model) {
  std::vector<std::string> all;
  for (const auto& [key, t] : model.state_dict()) {
    std::ostringstream head;
    head << key << " " << t.dtype() << " " << t.shape() << " ";
    all.push_back(head.str() + tensor_bytes(t));
  }
  return all;
}

/// A few training steps so that BatchNorm's running statistics and the
/// weights differ from any fresh model's.
void train_a_little(nn::Module& model, optim::Optimizer& optimizer, std::uint64_t seed) {
  Generator gen(seed);
  for (int step = 0; step < 3; ++step) {
    Variable x(randn({16, 4}, gen));
    Tensor t = randn({16, 2}, gen);
    optimizer.zero_grad();
    Variable loss = nn::mse_loss(model(x), Variable(t));
    loss.backward();
    optimizer.step();
  }
}

TEST(Checkpoint, ModelRoundTripIsBitwise) {
  TempDir dir;
  fs::path path = dir / "model.safetensors";
  manual_seed(1);
  auto model = make_model();
  optim::Adam adam(model->named_parameters(), {.lr = 0.05});
  train_a_little(*model, adam, 3);
  save_model(path, *model, {{"note", "after 3 steps"}});

  manual_seed(2);  // other initial weights
  auto fresh = make_model();
  ASSERT_NE(state_bytes(*fresh), state_bytes(*model));
  Metadata metadata = load_model(path, *fresh);
  EXPECT_EQ(state_bytes(*fresh), state_bytes(*model));
  EXPECT_EQ(metadata, (Metadata{{"format", "nabla-model"}, {"note", "after 3 steps"}}));
  // The running statistics are among what was loaded.
  EXPECT_TRUE(fresh->state_dict().contains("1.running_mean"));
}

TEST(Checkpoint, LoadModelListsEveryMismatchAndChangesNothing) {
  TempDir dir;
  fs::path path = dir / "model.safetensors";
  manual_seed(1);
  auto model = make_model();
  StateDict state = model->state_dict();

  // The file: 0.weight in f64, 4.bias missing, an extra key.
  StateDict written;
  for (const auto& [key, value] : state) {
    if (key == "4.bias") continue;
    written.insert(key, key == "0.weight" ? value.to(DType::f64) : value);
  }
  written.insert("head.weight", zeros({2, 2}));
  save_safetensors(path, written);

  manual_seed(2);
  auto other = make_model();
  const std::vector<std::string> before = state_bytes(*other);
  expect_error([&] { load_model(path, *other); },
               {"load_model", path.string(), "4.bias", "head.weight", "0.weight"});
  EXPECT_EQ(state_bytes(*other), before);

  // A model with wider hidden layers: every shape that differs is listed.
  save_model(path, *model);
  auto wide = make_model(9);
  const std::vector<std::string> wide_before = state_bytes(*wide);
  expect_error([&] { load_model(path, *wide); },
               {"load_model", path.string(), "0.weight", "0.bias", "1.weight", "1.bias",
                "1.running_mean", "1.running_var", "4.weight"});
  EXPECT_EQ(state_bytes(*wide), wide_before);

  // A corrupted file is reported by the reader, with the file name.
  testing::write_bytes(path, "short");
  expect_error([&] { load_model(path, *wide); }, {"load_safetensors", path.string()});
}

TEST(Checkpoint, NonStrictLoadModelLoadsTheKeysBothHave) {
  TempDir dir;
  fs::path path = dir / "part.safetensors";
  manual_seed(1);
  auto model = make_model();
  StateDict part;
  part.insert("0.weight", model->state_dict().at("0.weight"));
  part.insert("unrelated", zeros({3}));
  save_safetensors(path, part);

  manual_seed(2);
  auto other = make_model();
  const std::string bias_before = tensor_bytes(other->state_dict().at("0.bias"));
  expect_error([&] { load_model(path, *other); }, {"load_model", "missing keys", "unrelated"});
  load_model(path, *other, /*strict=*/false);
  EXPECT_EQ(tensor_bytes(other->state_dict().at("0.weight")),
            tensor_bytes(model->state_dict().at("0.weight")));
  EXPECT_EQ(tensor_bytes(other->state_dict().at("0.bias")), bias_before);
}

// ---- Training state.

/// Regression data: targets from a fixed linear map of the inputs plus noise.
data::Dataset regression_data() {
  Generator gen(7);
  Tensor x = randn({40, 4}, gen);
  Tensor noise = randn({40, 2}, gen);
  std::vector<double> xs = x.to_vector<double>(), ns = noise.to_vector<double>();
  std::vector<float> ys(80);
  for (std::size_t i = 0; i < 40; ++i) {
    ys[2 * i] = static_cast<float>(xs[4 * i] - 2 * xs[4 * i + 1] + 0.1 * ns[2 * i]);
    ys[2 * i + 1] = static_cast<float>(xs[4 * i + 2] * xs[4 * i + 3] + 0.1 * ns[2 * i + 1]);
  }
  return data::Dataset(x, from_vector(ys, Shape{40, 2}));
}

/// Epochs first .. last-1 of a plain training loop over shuffled mini-batches;
/// each epoch's mean loss goes into `history`.
void run_epochs(nn::Module& model,
                optim::Optimizer& optimizer,
                const data::Dataset& dataset,
                std::int64_t first,
                std::int64_t last,
                History& history) {
  data::DataLoader loader(dataset, {.batch_size = 16, .shuffle = true, .seed = 5});
  for (std::int64_t epoch = first; epoch < last; ++epoch) {
    loader.set_epoch(epoch);
    double sum = 0;
    for (const data::Batch& batch : loader) {
      optimizer.zero_grad();
      Variable loss = nn::mse_loss(model(Variable(batch.inputs)), Variable(batch.targets));
      loss.backward();
      optimizer.step();
      sum += loss.value().item<double>() * static_cast<double>(batch.inputs.size(0));
    }
    Logs logs;
    logs.set("loss", sum / 40.0);
    logs.set("lr", optimizer.lr());
    history.append(epoch, std::move(logs));
  }
}

void expect_same_history(const History& a, const History& b) {
  ASSERT_EQ(a.epochs(), b.epochs());
  for (std::int64_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.at(i).size(), b.at(i).size());
    auto ia = a.at(i).begin();
    for (auto ib = b.at(i).begin(); ib != b.at(i).end(); ++ia, ++ib) {
      EXPECT_EQ(ia->first, ib->first);
      EXPECT_EQ(std::memcmp(&ia->second, &ib->second, sizeof(double)), 0)
          << ia->first << " of epoch " << i << ": " << ia->second << " vs " << ib->second;
    }
  }
}

TEST(TrainingState, ResumingGivesTheSameResultAsNotStopping) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  const data::Dataset dataset = regression_data();

  // Four epochs in one go.
  manual_seed(42);
  auto straight = make_model();
  optim::Adam straight_adam(straight->named_parameters(), {.lr = 0.01});
  History straight_history;
  run_epochs(*straight, straight_adam, dataset, 0, 4, straight_history);

  // Two epochs, a checkpoint, then everything rebuilt from scratch.
  manual_seed(42);
  {
    auto first = make_model();
    optim::Adam first_adam(first->named_parameters(), {.lr = 0.01});
    History first_history;
    run_epochs(*first, first_adam, dataset, 0, 2, first_history);
    save_training_state(path, *first, first_adam, 2, first_history);
  }
  manual_seed(1234);  // the default generator elsewhere, other initial weights
  auto resumed = make_model();
  optim::Adam resumed_adam(resumed->named_parameters(), {.lr = 0.5});
  History history;
  ASSERT_EQ(load_training_state(path, *resumed, resumed_adam, history), 2);
  EXPECT_EQ(history.epochs(), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(resumed_adam.lr(), 0.01);
  run_epochs(*resumed, resumed_adam, dataset, 2, 4, history);

  EXPECT_EQ(state_bytes(*resumed), state_bytes(*straight));
  expect_same_history(history, straight_history);
  EXPECT_EQ(resumed_adam.step_count(), straight_adam.step_count());
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"state.safetensors"});
}

TEST(TrainingState, FitResumedFromACheckpointMatchesOneUninterruptedFit) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  const data::Dataset dataset = regression_data();
  // (Members set one by one: GCC 12 warns about designated initializers that
  // leave out members with default initializers.)
  FitOptions options;
  options.epochs = 4;
  options.batch_size = 8;
  options.seed = 9;
  options.validation_split = 0.25;
  options.verbose = 0;

  manual_seed(42);
  auto straight = make_model();
  optim::Adam straight_adam(straight->named_parameters(), {.lr = 0.01});
  const History straight_history = fit(*straight, nn::MSELoss{}, straight_adam, dataset, options);
  ASSERT_EQ(straight_history.size(), 4);

  manual_seed(42);
  {
    auto first = make_model();
    optim::Adam first_adam(first->named_parameters(), {.lr = 0.01});
    FitOptions two = options;
    two.epochs = 2;
    const History first_history = fit(*first, nn::MSELoss{}, first_adam, dataset, two);
    save_training_state(path, *first, first_adam, 2, first_history);
  }
  manual_seed(1234);
  auto resumed = make_model();
  optim::Adam resumed_adam(resumed->named_parameters(), {.lr = 0.01});
  History history;
  FitOptions rest = options;
  rest.initial_epoch = load_training_state(path, *resumed, resumed_adam, history);
  EXPECT_EQ(rest.initial_epoch, 2);
  history.extend(fit(*resumed, nn::MSELoss{}, resumed_adam, dataset, rest));

  EXPECT_EQ(state_bytes(*resumed), state_bytes(*straight));
  expect_same_history(history, straight_history);
  EXPECT_TRUE(history.contains("val_loss"));
}

TEST(TrainingState, RestoresTheGeneratorsAndAHistoryWithNonFiniteValues) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  manual_seed(3);
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  train_a_little(*model, adam, 9);
  auto* own = dynamic_cast<nn::Dropout*>(model->named_modules()[4].second);
  ASSERT_NE(own, nullptr);
  ASSERT_NE(own->generator(), nullptr);
  own->generator()->seed(77);
  own->generator()->set_offset(5);
  default_generator().seed(88);
  default_generator().set_offset(std::numeric_limits<std::uint64_t>::max() - 1);

  History history;
  Logs logs;
  logs.set("loss", 0.1);
  logs.set("val_loss", std::numeric_limits<double>::quiet_NaN());
  logs.set("max", std::numeric_limits<double>::infinity());
  logs.set("min", -std::numeric_limits<double>::infinity());
  logs.set("tiny", std::numeric_limits<double>::denorm_min());
  logs.set("negative_zero", -0.0);
  logs.set("third", 1.0 / 3.0);
  history.append(0, logs);
  history.append(5, Logs());
  save_training_state(path, *model, adam, 6, history);

  own->generator()->seed(1);
  default_generator().seed(2);
  History loaded;
  loaded.append(99, logs);  // replaced, not extended
  EXPECT_EQ(load_training_state(path, *model, adam, loaded), 6);
  EXPECT_EQ(own->generator()->initial_seed(), 77u);
  EXPECT_EQ(own->generator()->offset(), 5u);
  EXPECT_EQ(default_generator().initial_seed(), 88u);
  EXPECT_EQ(default_generator().offset(), std::numeric_limits<std::uint64_t>::max() - 1);
  ASSERT_EQ(loaded.epochs(), (std::vector<std::int64_t>{0, 5}));
  EXPECT_TRUE(loaded.at(1).empty());
  const Logs& back = loaded.at(0);
  ASSERT_EQ(back.size(), 7u);
  EXPECT_EQ(back.begin()->first, "loss");
  EXPECT_EQ(back.at("loss"), 0.1);
  EXPECT_TRUE(std::isnan(back.at("val_loss")));
  EXPECT_EQ(back.at("max"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(back.at("min"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(back.at("tiny"), std::numeric_limits<double>::denorm_min());
  EXPECT_TRUE(std::signbit(back.at("negative_zero")));
  EXPECT_EQ(back.at("third"), 1.0 / 3.0);
}

TEST(TrainingState, TheFileIsPlainSafetensors) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  manual_seed(3);
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  train_a_little(*model, adam, 9);
  History history;
  save_training_state(path, *model, adam, 3, history);

  SafetensorsFile file = load_safetensors(path);
  EXPECT_EQ(file.metadata.at("format"), "nabla-training-state");
  EXPECT_EQ(file.metadata.at("optimizer"), "Adam");
  EXPECT_EQ(file.metadata.at("next_epoch"), "3");
  EXPECT_EQ(file.metadata.at("history"), "{\"epochs\":[],\"logs\":[]}");
  EXPECT_EQ(file.tensors.at("optimizer.step").item<std::int64_t>(), 3);
  EXPECT_TRUE(file.tensors.contains("model.1.running_var"));
  EXPECT_TRUE(file.tensors.contains("optimizer.0.weight.exp_avg"));

  // load_model takes the model's part of it.
  manual_seed(4);
  auto fresh = make_model();
  ASSERT_NE(state_bytes(*fresh), state_bytes(*model));
  EXPECT_EQ(load_model(path, *fresh).at("format"), "nabla-training-state");
  EXPECT_EQ(state_bytes(*fresh), state_bytes(*model));
}

TEST(TrainingState, AFailedLoadChangesNothing) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  manual_seed(3);
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  train_a_little(*model, adam, 9);
  History history;
  Logs logs;
  logs.set("loss", 1.0);
  history.append(0, logs);
  save_training_state(path, *model, adam, 1, history);

  // The model's part fits, the optimizer's does not (its parameters are
  // unnamed, "0", "1", ...): the model is put back as it was.
  manual_seed(4);
  auto other = make_model();
  optim::Adam unnamed(other->parameters());
  const std::vector<std::string> before = state_bytes(*other);
  default_generator().seed(5);
  History untouched;
  expect_error([&] { load_training_state(path, *other, unnamed, untouched); },
               {"load_training_state", path.string(), "0.weight.exp_avg"});
  EXPECT_EQ(state_bytes(*other), before);
  EXPECT_EQ(unnamed.step_count(), 0);
  EXPECT_EQ(default_generator().initial_seed(), 5u);
  EXPECT_EQ(default_generator().offset(), 0u);
  EXPECT_TRUE(untouched.empty());

  // Another optimizer, another architecture: the metadata and the model.
  optim::SGD sgd(other->named_parameters(), {.lr = 0.1});
  expect_error([&] { load_training_state(path, *other, sgd, untouched); },
               {"load_training_state", path.string(), "optimizer Adam, not SGD"});
  auto wide = make_model(9);
  optim::Adam wide_adam(wide->named_parameters());
  expect_error([&] { load_training_state(path, *wide, wide_adam, untouched); },
               {"load_training_state", path.string(), "0.weight", "1.running_mean"});

  // A model file is not a training state: every missing piece is listed.
  save_model(path, *model);
  expect_error([&] { load_training_state(path, *other, unnamed, untouched); },
               {"load_training_state", path.string(), "'format' is 'nabla-model'",
                "missing metadata 'optimizer'", "missing metadata 'next_epoch'",
                "missing metadata 'history'", "missing metadata 'generators'",
                "tensor '0.weight' is neither model.* nor optimizer.*"});

  // Metadata of the right keys but the wrong form.
  SafetensorsFile saved;
  save_training_state(path, *model, adam, 1, history);
  saved = load_safetensors(path);
  saved.metadata["next_epoch"] = "-3";
  saved.metadata["history"] = "{\"epochs\":[0],\"logs\":[{\"loss\":\"high\"}]}";
  saved.metadata["generators"] = "{\"default\":{\"seed\":1,\"offset\":0},\"modules\":{}}";
  save_safetensors(path, saved.tensors, saved.metadata);
  expect_error([&] { load_training_state(path, *other, adam, untouched); },
               {"load_training_state", "'next_epoch' is '-3'", "metadata 'history' is not",
                "no generator state saved for the Dropout '3'"});
  EXPECT_EQ(state_bytes(*other), before);
}

}  // namespace
}  // namespace nabla::train
