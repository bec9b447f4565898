// save_model / load_model: bitwise model round trips and mismatch reports.

#include "checkpoint/model_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "checkpoint/safetensors.h"
#include "checkpoint/training_state_fixtures.h"
#include "optim/adam.h"
#include "test_util.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;
using testing::make_model;
using testing::state_bytes;
using testing::TempDir;
using testing::tensor_bytes;
using testing::train_a_little;

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

}  // namespace
}  // namespace nabla::checkpoint
