#include "callbacks/early_stopping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <vector>

#include "callbacks/callback_harness.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

using callback_testing::CallbackHarness;
using callback_testing::make_logs;
using callback_testing::same_state;

const double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(EarlyStopping, StopsWhenPatienceRunsOut) {
  // val_loss 1.0, 0.8, 0.85, 0.9 with patience 2: epochs 0 and 1 improve
  // (wait 0), epoch 2 makes wait 1, epoch 3 wait 2 >= 2: stop at epoch 3.
  CallbackHarness h;
  EarlyStopping stopper({.patience = 2});
  EXPECT_EQ(h.run(stopper, {1.0, 0.8, 0.85, 0.9, 0.79, 0.95}), 4);
  EXPECT_TRUE(h.context.stop_training);
  EXPECT_EQ(stopper.stopped_epoch(), 3);
  EXPECT_EQ(stopper.best(), 0.8);
  EXPECT_EQ(stopper.best_epoch(), 1);
  EXPECT_EQ(stopper.wait(), 2);
}

TEST(EarlyStopping, ImprovementRestartsTheCount) {
  // Patience 3: epochs 2, 3 count 1, 2; epoch 4 (0.79 < 0.8) resets; epochs
  // 5, 6, 7 count 1, 2, 3: stop at epoch 7, best 0.79 from epoch 4.
  CallbackHarness h;
  EarlyStopping stopper({.patience = 3});
  EXPECT_EQ(h.run(stopper, {1.0, 0.8, 0.85, 0.9, 0.79, 0.95, 0.96, 0.97, 0.5}), 8);
  EXPECT_EQ(stopper.stopped_epoch(), 7);
  EXPECT_EQ(stopper.best(), 0.79);
  EXPECT_EQ(stopper.best_epoch(), 4);
}

TEST(EarlyStopping, RunsToTheEndWithoutAPlateau) {
  CallbackHarness h;
  EarlyStopping stopper({.patience = 1});
  EXPECT_EQ(h.run(stopper, {1.0, 0.9, 0.8}), 3);
  EXPECT_FALSE(h.context.stop_training);
  EXPECT_EQ(stopper.stopped_epoch(), -1);
}

TEST(EarlyStopping, PatienceZeroNeverStopsAtTheFirstEpoch) {
  // A NaN never improves, so wait reaches 1 >= 0 at epoch 0, but a single
  // epoch is not a plateau; epoch 1 improves on +∞; epoch 2 does not: wait
  // 1 >= 0, stop at epoch 2.
  CallbackHarness h;
  EarlyStopping stopper({.patience = 0});
  EXPECT_EQ(h.run(stopper, {kNaN, 1.0, 1.5, 0.5}), 3);
  EXPECT_EQ(stopper.stopped_epoch(), 2);
  EXPECT_EQ(stopper.best(), 1.0);
}

TEST(EarlyStopping, RestoresTheBestEpochsWeightsWhenStopped) {
  CallbackHarness h;
  EarlyStopping stopper({.patience = 3, .restore_best_weights = true});
  EXPECT_EQ(h.run(stopper, {1.0, 0.8, 0.85, 0.9, 0.79, 0.95, 0.96, 0.97}), 8);
  // The model still held epoch 7's marks until on_train_end restored epoch 4's.
  EXPECT_TRUE(same_state(h.model.state_dict(), h.snapshots.at(4)));
  EXPECT_FALSE(same_state(h.model.state_dict(), h.snapshots.at(7)));
  EXPECT_EQ(h.model.weight.value().to_vector<double>(), (std::vector<double>{5.0, -1.25}));
  EXPECT_EQ(h.model.bias.value().to_vector<double>(), (std::vector<double>{4.5}));
}

TEST(EarlyStopping, RestoresTheBestWeightsAlsoWhenTrainingRanToTheEnd) {
  CallbackHarness h;
  EarlyStopping stopper({.patience = 5, .restore_best_weights = true});
  EXPECT_EQ(h.run(stopper, {1.0, 0.7, 0.9, 0.8}), 4);
  EXPECT_EQ(stopper.stopped_epoch(), -1);
  EXPECT_TRUE(same_state(h.model.state_dict(), h.snapshots.at(1)));
}

TEST(EarlyStopping, WithoutAnyImprovementRestoresTheFirstMonitoredEpoch) {
  // NaN is never an improvement; the weights of the first epoch monitored
  // (epoch 1: epoch 0 is before start_from_epoch) are kept, as Keras. Epochs
  // 1 and 2 count 1, 2 >= 2: stop at epoch 2.
  CallbackHarness h;
  EarlyStopping stopper({.patience = 2, .restore_best_weights = true, .start_from_epoch = 1});
  EXPECT_EQ(h.run(stopper, {0.1, kNaN, kNaN, kNaN}), 3);
  EXPECT_EQ(stopper.stopped_epoch(), 2);
  EXPECT_EQ(stopper.best_epoch(), 1);
  EXPECT_TRUE(same_state(h.model.state_dict(), h.snapshots.at(1)));
}

TEST(EarlyStopping, WithoutRestoreTheLastWeightsStay) {
  CallbackHarness h;
  EarlyStopping stopper({.patience = 1});
  h.run(stopper, {1.0, 0.5, 0.7});
  EXPECT_TRUE(same_state(h.model.state_dict(), h.snapshots.at(2)));
  EXPECT_TRUE(stopper.best_weights().empty());
}

TEST(EarlyStopping, MinDeltaIsTheSmallestImprovement) {
  // min_delta 0.1: an improvement needs v < best − 0.1. Epoch 1 (0.95 vs
  // 0.9) does not improve (wait 1), epoch 2 (0.85 < 0.9) does, epochs 3 and
  // 4 (0.8 is not < 0.75) count 1, 2: stop at epoch 4 with best 0.85.
  CallbackHarness h;
  EarlyStopping stopper({.min_delta = 0.1, .patience = 2});
  EXPECT_EQ(h.run(stopper, {1.0, 0.95, 0.85, 0.89, 0.8, 0.1}), 5);
  EXPECT_EQ(stopper.stopped_epoch(), 4);
  EXPECT_EQ(stopper.best(), 0.85);
}

TEST(EarlyStopping, AccuracyIsMaximizedInAutoMode) {
  // Larger is better for "val_accuracy": 0.55 and 0.58 do not beat 0.6.
  CallbackHarness h;
  EarlyStopping stopper({.monitor = "val_accuracy", .patience = 2});
  EXPECT_EQ(h.run(stopper, {0.5, 0.6, 0.55, 0.58, 0.9}, "val_accuracy"), 4);
  EXPECT_EQ(stopper.stopped_epoch(), 3);
  EXPECT_EQ(stopper.best(), 0.6);
}

TEST(EarlyStopping, ExplicitModeOverridesTheName) {
  // mode min on an accuracy: 0.6 and 0.7 are worse than 0.5.
  CallbackHarness h;
  EarlyStopping stopper({.monitor = "val_accuracy", .patience = 2, .mode = MonitorMode::min});
  EXPECT_EQ(h.run(stopper, {0.5, 0.6, 0.7, 0.1}, "val_accuracy"), 3);
  EXPECT_EQ(stopper.best(), 0.5);
  // mode max on a name auto would minimize.
  CallbackHarness h2;
  EarlyStopping max_stopper({.monitor = "score", .patience = 1, .mode = MonitorMode::max});
  EXPECT_EQ(h2.run(max_stopper, {1.0, 2.0, 3.0, 2.5, 9.0}, "score"), 4);
  EXPECT_EQ(max_stopper.best(), 3.0);
}

TEST(EarlyStopping, BaselineMustBeBeatenBeforeTheCountRestarts) {
  // baseline 0.5, patience 2: epochs 0 and 1 improve on the best but not on
  // the baseline, so wait grows to 1, 2 (an improving epoch never stops);
  // epoch 2 does not improve: wait 3 >= 2, stop at epoch 2.
  CallbackHarness h;
  EarlyStopping stopper({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(h.run(stopper, {1.0, 0.9, 0.95, 0.1}), 3);
  EXPECT_EQ(stopper.stopped_epoch(), 2);
  // Without the baseline the same values only reach wait 1.
  CallbackHarness h2;
  EarlyStopping plain({.patience = 2});
  EXPECT_EQ(h2.run(plain, {1.0, 0.9, 0.95}), 3);
  EXPECT_EQ(plain.stopped_epoch(), -1);
  // A value beating the baseline restarts the count.
  CallbackHarness h3;
  EarlyStopping beaten({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(h3.run(beaten, {1.0, 0.4, 0.45, 0.46, 0.47}), 4);
  EXPECT_EQ(beaten.stopped_epoch(), 3);
}

TEST(EarlyStopping, EpochsBeforeStartFromEpochAreIgnored) {
  // Epochs 0 and 1 are ignored; epoch 2 sets best 3.0, epoch 3 improves to
  // 2.5, epoch 4 counts 1 >= 1: stop at epoch 4.
  CallbackHarness h;
  EarlyStopping stopper({.patience = 1, .start_from_epoch = 2});
  EXPECT_EQ(h.run(stopper, {1.0, 2.0, 3.0, 2.5, 2.6, 0.1}), 5);
  EXPECT_EQ(stopper.stopped_epoch(), 4);
  EXPECT_EQ(stopper.best(), 2.5);
  // From epoch 0, 2.0 after 1.0 already stops at epoch 1.
  CallbackHarness h2;
  EarlyStopping early({.patience = 1});
  EXPECT_EQ(h2.run(early, {1.0, 2.0, 3.0}), 2);
}

TEST(EarlyStopping, AMissingKeyWarnsOnceAndIsSkipped) {
  CallbackHarness h;
  EarlyStopping stopper({.patience = 0});
  stopper.on_train_begin(h.context);
  ::testing::internal::CaptureStderr();
  for (int epoch = 0; epoch < 3; ++epoch) {
    stopper.on_epoch_end(h.context, epoch, make_logs({{"loss", 1.0 + epoch}}));
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(h.context.stop_training);
  EXPECT_NE(err.find("EarlyStopping"), std::string::npos) << err;
  EXPECT_NE(err.find("'val_loss'"), std::string::npos) << err;
  EXPECT_NE(err.find("have: loss"), std::string::npos) << err;
  EXPECT_EQ(err.find("val_loss"), err.rfind("val_loss")) << "warned more than once: " << err;
}

TEST(EarlyStopping, VerbosePrintsTheStopAndTheRestore) {
  CallbackHarness h;
  std::ostringstream out;
  EarlyStopping stopper({.patience = 1, .verbose = 1, .restore_best_weights = true, .out = &out});
  h.run(stopper, {1.0, 0.5, 0.7, 0.1});
  EXPECT_EQ(out.str(),
            "Epoch 3: early stopping\n"
            "Restoring model weights from the end of the best epoch: 2.\n");
  std::ostringstream quiet;
  EarlyStopping silent({.patience = 1, .out = &quiet});
  CallbackHarness h2;
  h2.run(silent, {1.0, 0.5, 0.7});
  EXPECT_EQ(quiet.str(), "");
}

TEST(EarlyStopping, OnTrainBeginResetsForAnotherFit) {
  CallbackHarness h;
  EarlyStopping stopper({.patience = 1, .restore_best_weights = true});
  h.run(stopper, {0.1, 0.5, 0.7});
  EXPECT_EQ(stopper.stopped_epoch(), 1);
  CallbackHarness h2;
  EXPECT_EQ(h2.run(stopper, {1.0, 0.9}), 2);
  EXPECT_EQ(stopper.stopped_epoch(), -1);
  EXPECT_EQ(stopper.best(), 0.9);
  EXPECT_TRUE(same_state(h2.model.state_dict(), h2.snapshots.at(1)));
}

TEST(EarlyStopping, RejectsInvalidOptions) {
  testing::expect_error([] { EarlyStopping({.patience = -1}); },
                        {"EarlyStopping", "patience", "-1"});
  testing::expect_error([] { EarlyStopping({.min_delta = -0.5}); },
                        {"EarlyStopping", "min_delta", "-0.5"});
  testing::expect_error([] { EarlyStopping({.monitor = ""}); }, {"EarlyStopping", "monitor"});
  testing::expect_error([] { EarlyStopping({.start_from_epoch = -2}); },
                        {"EarlyStopping", "start_from_epoch", "-2"});
  testing::expect_error([] { EarlyStopping({.baseline = kNaN}); },
                        {"EarlyStopping", "baseline", "nan"});
  testing::expect_error([] { EarlyStopping({.verbose = 3}); }, {"EarlyStopping", "verbose", "3"});
  testing::expect_error([] { EarlyStopping({.out = nullptr}); }, {"EarlyStopping", "out"});
}

}  // namespace
}  // namespace nabla::callbacks
