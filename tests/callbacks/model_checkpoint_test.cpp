#include "callbacks/model_checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "callbacks/callback_harness.h"
#include "checkpoint/model_file.h"
#include "nn/linear.h"
#include "temp_dir.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

namespace fs = std::filesystem;
using callback_testing::CallbackHarness;
using callback_testing::make_logs;
using callback_testing::same_state;
using checkpoint::load_model;
using checkpoint::Metadata;

// Records what would be written instead of writing it.
class RecordingCheckpoint : public ModelCheckpoint {
 public:
  using ModelCheckpoint::ModelCheckpoint;
  struct Write {
    std::string path;
    Metadata metadata;
    StateDict state;
  };
  std::vector<Write> writes;

 protected:
  void write(const fs::path& path, const nn::Module& model, const Metadata& metadata) override {
    writes.push_back({path.string(), metadata, model.state_dict().clone()});
  }
};

std::vector<std::string> paths_of(const RecordingCheckpoint& checkpoint) {
  std::vector<std::string> paths;
  for (const auto& write : checkpoint.writes) paths.push_back(write.path);
  return paths;
}

TEST(ModelCheckpoint, SavesEveryEpochWithTheEpochInTheName) {
  CallbackHarness h;
  RecordingCheckpoint checkpoint({.filepath = "run/model-{epoch:02d}.safetensors"});
  h.run(checkpoint, {1.0, 0.8, 0.9});
  EXPECT_EQ(paths_of(checkpoint),
            (std::vector<std::string>{"run/model-01.safetensors", "run/model-02.safetensors",
                                      "run/model-03.safetensors"}));
  ASSERT_EQ(checkpoint.writes.size(), 3u);
  EXPECT_TRUE(same_state(checkpoint.writes[1].state, h.snapshots[1]));
  // Metadata: the 1-based epoch and every log value.
  EXPECT_EQ(checkpoint.writes[1].metadata,
            (Metadata{{"epoch", "2"}, {"loss", "1"}, {"val_loss", "0.8"}}));
}

TEST(ModelCheckpoint, SaveBestOnlySavesImprovements) {
  // 1.0 (first), 0.8 (better), 0.85 (worse), 0.7 (better): epochs 1, 2, 4.
  CallbackHarness h;
  std::ostringstream out;
  RecordingCheckpoint checkpoint({.filepath = "best-{epoch}-{val_loss:.3f}.safetensors",
                                  .verbose = 1,
                                  .save_best_only = true,
                                  .out = &out});
  h.run(checkpoint, {1.0, 0.8, 0.85, 0.7});
  EXPECT_EQ(paths_of(checkpoint),
            (std::vector<std::string>{"best-1-1.000.safetensors", "best-2-0.800.safetensors",
                                      "best-4-0.700.safetensors"}));
  EXPECT_TRUE(same_state(checkpoint.writes[2].state, h.snapshots[3]));
  EXPECT_EQ(checkpoint.best(), 0.7);
  EXPECT_EQ(
      out.str(),
      // Keras prints the values with "%.5f".
      "Epoch 1: val_loss improved from inf to 1.00000, saving model to best-1-1.000.safetensors\n"
      "Epoch 2: val_loss improved from 1.00000 to 0.80000, saving model to "
      "best-2-0.800.safetensors\n"
      "Epoch 3: val_loss did not improve from 0.80000\n"
      "Epoch 4: val_loss improved from 0.80000 to 0.70000, saving model to "
      "best-4-0.700.safetensors\n");
}

TEST(ModelCheckpoint, ModeAndInitialThreshold) {
  // Accuracy is maximized; the threshold 0.6 must be beaten first.
  CallbackHarness h;
  RecordingCheckpoint checkpoint({.filepath = "m{epoch}",
                                  .monitor = "val_accuracy",
                                  .save_best_only = true,
                                  .initial_value_threshold = 0.6});
  h.run(checkpoint, {0.5, 0.7, 0.65, 0.71}, "val_accuracy");
  EXPECT_EQ(paths_of(checkpoint), (std::vector<std::string>{"m2", "m4"}));
  // mode min on the same name saves the decreasing values instead.
  CallbackHarness h2;
  RecordingCheckpoint min_checkpoint({.filepath = "m{epoch}",
                                      .monitor = "val_accuracy",
                                      .save_best_only = true,
                                      .mode = MonitorMode::min});
  h2.run(min_checkpoint, {0.5, 0.7, 0.45}, "val_accuracy");
  EXPECT_EQ(paths_of(min_checkpoint), (std::vector<std::string>{"m1", "m3"}));
}

TEST(ModelCheckpoint, SaveFreqCountsBatchesAcrossEpochs) {
  // Every 3 batches over 2 epochs of 4: after global batches 3 and 6, i.e.
  // epoch 1 batch 3 and epoch 2 batch 2 (1-based).
  CallbackHarness h;
  RecordingCheckpoint checkpoint({.filepath = "e{epoch}-b{batch}", .save_freq = 3});
  checkpoint.on_train_begin(h.context);
  for (int epoch = 0; epoch < 2; ++epoch) {
    checkpoint.on_epoch_begin(h.context, epoch);
    for (int batch = 0; batch < 4; ++batch) {
      checkpoint.on_batch_end(h.context, batch, make_logs({{"loss", 0.5}}));
    }
    checkpoint.on_epoch_end(h.context, epoch, make_logs({{"loss", 0.5}}));
  }
  EXPECT_EQ(paths_of(checkpoint), (std::vector<std::string>{"e1-b3", "e2-b2"}));
  EXPECT_EQ(checkpoint.writes[1].metadata,
            (Metadata{{"batch", "2"}, {"epoch", "2"}, {"loss", "0.5"}}));
}

TEST(ModelCheckpoint, MissingMonitorWarnsOnceAndSkips) {
  CallbackHarness h;
  RecordingCheckpoint checkpoint({.filepath = "m", .save_best_only = true});
  checkpoint.on_train_begin(h.context);
  ::testing::internal::CaptureStderr();
  checkpoint.on_epoch_end(h.context, 0, make_logs({{"loss", 1.0}}));
  checkpoint.on_epoch_end(h.context, 1, make_logs({{"loss", 0.5}}));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(checkpoint.writes.empty());
  EXPECT_NE(err.find("ModelCheckpoint"), std::string::npos) << err;
  EXPECT_NE(err.find("val_loss"), std::string::npos) << err;
  EXPECT_EQ(err.find("val_loss"), err.rfind("val_loss")) << err;
}

TEST(ModelCheckpoint, FormatsPlaceholdersAndBraces) {
  ModelCheckpoint checkpoint({.filepath = "{{x}}/{epoch:03d}_{loss}_{val_loss:.2e}_{acc:.1f}"});
  EXPECT_EQ(
      checkpoint
          .format_path(6, -1, make_logs({{"loss", 0.25}, {"val_loss", 0.000123}, {"acc", 0.96}}))
          .string(),
      "{x}/007_0.25_1.23e-04_1.0");
  testing::expect_error(
      [&] {
        checkpoint.format_path(0, -1, make_logs({{"loss", 0.25}}));
      },
      {"ModelCheckpoint", "{val_loss}", "have: epoch, loss"});
}

TEST(ModelCheckpoint, RejectsMalformedFilepathsAndOptions) {
  testing::expect_error([] { ModelCheckpoint({}); }, {"ModelCheckpoint", "filepath"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "a{epoch"}); },
                        {"ModelCheckpoint", "unmatched '{'", "a{epoch"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "a}b"}); },
                        {"ModelCheckpoint", "unmatched '}'", "a}b"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "a{}"}); },
                        {"ModelCheckpoint", "empty placeholder"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "a{loss:.x}"}); },
                        {"ModelCheckpoint", "format spec", ".x"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "a{epoch:5q}"}); },
                        {"ModelCheckpoint", "format spec", "5q"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "m", .save_freq = -1}); },
                        {"ModelCheckpoint", "save_freq", "-1"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "m", .monitor = ""}); },
                        {"ModelCheckpoint", "monitor"});
  testing::expect_error([] { ModelCheckpoint({.filepath = "m", .out = nullptr}); },
                        {"ModelCheckpoint", "out"});
}

TEST(ModelCheckpoint, WritesModelFilesThatLoadBack) {
  const testing::TempDir tmp;
  const fs::path& dir = tmp.path();
  {
    CallbackHarness h;
    // The nested directories do not exist yet.
    ModelCheckpoint checkpoint(
        {.filepath = (dir / "a" / "b" / "m{epoch}.safetensors").string(), .save_best_only = true});
    h.run(checkpoint, {1.0, 0.5, 0.75});
    EXPECT_TRUE(fs::exists(dir / "a" / "b" / "m1.safetensors"));
    EXPECT_TRUE(fs::exists(dir / "a" / "b" / "m2.safetensors"));
    EXPECT_FALSE(fs::exists(dir / "a" / "b" / "m3.safetensors"));
    ASSERT_EQ(checkpoint.saved().size(), 2u);
    nn::Linear loaded(2, 1);
    const Metadata metadata = load_model(checkpoint.saved()[1], loaded);
    EXPECT_TRUE(same_state(loaded.state_dict(), h.snapshots[1]));
    EXPECT_EQ(metadata.at("epoch"), "2");
    EXPECT_EQ(metadata.at("val_loss"), "0.5");
  }
}

}  // namespace
}  // namespace nabla::callbacks
