// save_training_state / load_training_state: generator and History round
// trips, the file format, and failed loads that change nothing. Training
// resumed from a checkpoint is tested in tests/train/resume_test.cpp.

#include "checkpoint/training_state.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint/model_file.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/training_state_fixtures.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "test_util.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using metrics::History;
using metrics::Logs;
using testing::expect_error;
using testing::expect_same_history;
using testing::make_model;
using testing::state_bytes;
using testing::TempDir;
using testing::tensor_bytes;
using testing::train_a_little;

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

// An epoch of any number of keys loads in O(N log N) and keeps its key order
// (ordered_json's linear lookups and Logs' linear scans took minutes for
// these); a repeated key keeps its first place and its last value.
TEST(TrainingState, AHistoryOfTwoHundredThousandKeysRoundTrips) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  History history;
  Logs logs;
  constexpr int kKeys = 200'000;
  for (int k = kKeys - 1; k >= 0; --k) logs.set(std::string("m").append(std::to_string(k)), k);
  history.append(0, logs);
  history.append(1, Logs());
  save_training_state(path, *model, adam, 2, history);
  History loaded;
  load_training_state(path, *model, adam, loaded);
  expect_same_history(loaded, history);

  SafetensorsFile file = load_safetensors(path);
  file.metadata["history"] = R"({"logs":[{"z":1,"a":2,"z":3}],"epochs":[4]})";
  save_safetensors(path, file.tensors, file.metadata);
  load_training_state(path, *model, adam, loaded);
  ASSERT_EQ(loaded.epochs(), (std::vector<std::int64_t>{4}));
  ASSERT_EQ(loaded.at(0).size(), 2u);
  EXPECT_EQ(loaded.at(0).begin()->first, "z");
  EXPECT_EQ(loaded.at(0).at("z"), 3.0);
  EXPECT_EQ(loaded.at(0).at("a"), 2.0);
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

// A tensor named by its prefix alone has no name inside the model or the
// optimizer: the error names the file and the loader, not StateDict.
TEST(TrainingState, ATensorNamedOnlyByItsPrefixIsReported) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  manual_seed(3);
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  save_training_state(path, *model, adam, 1, History());
  for (const char* key : {"model.", "optimizer."}) {
    SafetensorsFile saved = load_safetensors(fs::path(dir / "state.safetensors"));
    saved.tensors.insert(key, zeros({1}));
    const fs::path bad = dir / "bad.safetensors";
    save_safetensors(bad, saved.tensors, saved.metadata);
    History history;
    expect_error([&] { load_training_state(bad, *model, adam, history); },
                 {"load_training_state", bad.string(), std::string("tensor '") + key + "'",
                  "empty name after its prefix"});
    if (std::string(key) == "model.")
      expect_error([&] { load_model(bad, *model); },
                   {"load_model", bad.string(), "tensor 'model.'", "empty name after its prefix"});
  }
}

// Values no run can produce are rejected on the way in, as the setters
// reject them: the learning rate and the step counts of the optimizer part.
TEST(TrainingState, ValuesNoRunCanProduceAreRejected) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  manual_seed(3);
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  train_a_little(*model, adam, 9);
  save_training_state(path, *model, adam, 1, History());
  const SafetensorsFile good = load_safetensors(path);
  const auto with = [&](const std::string& key, const Tensor& value) {
    SafetensorsFile f = load_safetensors(path);
    f.tensors.insert_or_assign(key, value);
    const fs::path bad = dir / "bad.safetensors";
    save_safetensors(bad, f.tensors, f.metadata);
    return bad;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  struct Case {
    std::string key;
    Tensor value;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"optimizer.lr", scalar_tensor(nan, DType::f64), "lr: nan"},
      {"optimizer.lr", scalar_tensor(-0.5, DType::f64), "lr: -0.5"},
      {"optimizer.lr", scalar_tensor(INFINITY, DType::f64), "lr: inf"},
      {"optimizer.step", scalar_tensor(-1, DType::i64), "step: -1"},
      {"optimizer.step", from_vector(std::vector<std::int64_t>{max}, Shape{}),
       "step: " + std::to_string(max)},
      {"optimizer.0.weight.step", scalar_tensor(-1, DType::i64), "0.weight.step: -1"},
      {"optimizer.0.weight.step", scalar_tensor(4, DType::i64), "0.weight.step: 4"},
  };
  for (const Case& c : cases) {
    const fs::path bad = with(c.key, c.value);
    History history;
    const std::int64_t steps_before = adam.step_count();
    expect_error([&] { load_training_state(bad, *model, adam, history); },
                 {"load_training_state", bad.string(), c.says});
    EXPECT_EQ(adam.step_count(), steps_before) << c.key;
    EXPECT_EQ(adam.lr(), 1e-3) << c.key;
  }
}

// JSON strings are UTF-8: a log name or a module name that is not is named in
// a nabla::Error, and nothing is written.
TEST(TrainingState, NamesThatAreNotUtf8AreRejectedBeforeWriting) {
  TempDir dir;
  const fs::path path = dir / "state.safetensors";
  manual_seed(3);
  auto model = make_model();
  optim::Adam adam(model->named_parameters());
  History history;
  Logs logs;
  logs.set("loss\xff", 0.5);
  history.append(0, logs);
  expect_error([&] { save_training_state(path, *model, adam, 1, history); },
               {"save_training_state", path.string(), "log name", "not valid UTF-8"});
  EXPECT_FALSE(fs::exists(path));

  struct Net : nn::Module {
    Net() {
      register_module("dense", std::make_shared<nn::Linear>(2, 2));
      register_module("drop\xfe",
                      std::make_shared<nn::Dropout>(nn::DropoutOptions{.p = 0.5, .seed = 1}));
    }
    Variable forward(const Variable& x) override { return x; }
  };
  Net net;
  optim::Adam none(net.named_parameters());
  expect_error([&] { save_training_state(path, net, none, 1, History()); },
               {"save_training_state", path.string(), "module name", "not valid UTF-8"});
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace nabla::checkpoint
