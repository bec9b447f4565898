#include "callbacks/reduce_lr_on_plateau.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "callbacks/callback_harness.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

using callback_testing::CallbackHarness;
using callback_testing::make_logs;

TEST(ReduceLROnPlateauCallback, ReducesAfterPatienceBadEpochs) {
  // Keras's rule with patience 2, factor 0.5, min_delta 0, lr 0.1:
  //   e0 1.0 best, e1 0.9 best, e2 wait 1, e3 wait 2 -> lr 0.05, wait 0,
  //   e4 wait 1, e5 wait 2 -> 0.025, e6 0.85 best, e7 wait 1, e8 wait 2 -> 0.0125.
  CallbackHarness h(0.1);
  ReduceLROnPlateau plateau({.factor = 0.5, .patience = 2, .min_delta = 0.0});
  h.run(plateau, {1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.85, 0.86, 0.87});
  const double a = 0.1, b = a * 0.5, c = b * 0.5, d = c * 0.5;
  EXPECT_EQ(h.lrs, (std::vector<double>{a, a, a, b, b, c, c, c, d}));
  EXPECT_EQ(plateau.best(), 0.85);
  EXPECT_EQ(plateau.wait(), 0);
}

TEST(ReduceLROnPlateauCallback, CooldownLeavesEpochsUncounted) {
  // patience 1, cooldown 2, factor 0.5, every epoch after the first worse:
  //   e1 wait 1 -> 0.05, cooldown 2;  e2 cooldown 2 -> 1, still cooling: not counted;
  //   e3 cooldown 1 -> 0, counted: wait 1 -> 0.025, cooldown 2;  e4 not counted;
  //   e5 -> 0.0125;  e6 not counted.
  CallbackHarness h(0.1);
  ReduceLROnPlateau plateau({.factor = 0.5, .patience = 1, .cooldown = 2});
  h.run(plateau, {1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6});
  const double a = 0.1, b = a * 0.5, c = b * 0.5, d = c * 0.5;
  EXPECT_EQ(h.lrs, (std::vector<double>{a, b, b, c, c, d, d}));
  EXPECT_EQ(plateau.cooldown_counter(), 0);
}

TEST(ReduceLROnPlateauCallback, CooldownOneIsNoCooldownAndPatienceZeroIsOne) {
  // Keras decrements the cooldown before counting, so cooldown 1 leaves no
  // epoch uncounted; patience 0 and 1 both reduce on the first bad epoch.
  for (std::int64_t patience : {0, 1}) {
    for (std::int64_t cooldown : {0, 1}) {
      CallbackHarness h(0.1);
      ReduceLROnPlateau plateau({.factor = 0.5, .patience = patience, .cooldown = cooldown});
      h.run(plateau, {1.0, 1.1, 1.2, 1.3});
      EXPECT_EQ(h.lrs, (std::vector<double>{0.1, 0.05, 0.025, 0.0125}))
          << "patience " << patience << " cooldown " << cooldown;
    }
  }
}

TEST(ReduceLROnPlateauCallback, NeverBelowMinLr) {
  // lr 0.1, factor 0.1, min_lr 0.005: 0.01, then max(0.001, 0.005), then no change.
  CallbackHarness h(0.1);
  std::ostringstream out;
  ReduceLROnPlateau plateau(
      {.factor = 0.1, .patience = 1, .verbose = 1, .min_lr = 0.005, .out = &out});
  h.run(plateau, {1.0, 2.0, 3.0, 4.0, 5.0});
  EXPECT_EQ(h.lrs, (std::vector<double>{0.1, 0.1 * 0.1, 0.005, 0.005, 0.005}));
  EXPECT_EQ(out.str(),
            "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.01.\n"
            "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.005.\n");
}

TEST(ReduceLROnPlateauCallback, DefaultMinDeltaIsAbsolute) {
  // Default min_delta 1e-4: 0.99995 is not below 1.0 − 1e-4, 0.9998 is.
  CallbackHarness h(0.1);
  ReduceLROnPlateau plateau({.patience = 1});
  h.run(plateau, {1.0, 0.99995});
  EXPECT_EQ(h.lrs, (std::vector<double>{0.1, 0.1 * 0.1}));
  CallbackHarness h2(0.1);
  ReduceLROnPlateau plateau2({.patience = 1});
  h2.run(plateau2, {1.0, 0.9998});
  EXPECT_EQ(h2.lrs, (std::vector<double>{0.1, 0.1}));
}

TEST(ReduceLROnPlateauCallback, AccuracyIsMaximized) {
  // Auto mode maximizes: 0.6 improves on 0.5, 0.55 does not (one reduction).
  CallbackHarness h(0.1);
  ReduceLROnPlateau plateau({.monitor = "val_accuracy", .factor = 0.5, .patience = 1});
  h.run(plateau, {0.5, 0.6, 0.55}, "val_accuracy");
  EXPECT_EQ(h.lrs, (std::vector<double>{0.1, 0.1, 0.05}));
  CallbackHarness h2(0.1);
  ReduceLROnPlateau min_plateau(
      {.monitor = "val_accuracy", .factor = 0.5, .patience = 1, .mode = MonitorMode::min});
  // With mode min both 0.6 and 0.55 are worse than 0.5: two reductions.
  h2.run(min_plateau, {0.5, 0.6, 0.55}, "val_accuracy");
  EXPECT_EQ(h2.lrs, (std::vector<double>{0.1, 0.05, 0.025}));
}

TEST(ReduceLROnPlateauCallback, ReadsTheCurrentLrAndResetsPerFit) {
  CallbackHarness h(0.1);
  ReduceLROnPlateau plateau({.factor = 0.5, .patience = 1});
  h.run(plateau, {1.0, 2.0});
  EXPECT_EQ(h.optimizer.lr(), 0.05);
  // A second fit starts from a fresh best (+∞) and the lr as it is now.
  h.optimizer.set_lr(0.4);
  h.lrs.clear();
  h.run(plateau, {5.0, 6.0});
  EXPECT_EQ(h.lrs, (std::vector<double>{0.4, 0.2}));
}

TEST(ReduceLROnPlateauCallback, AMissingKeyWarnsOnce) {
  CallbackHarness h(0.1);
  ReduceLROnPlateau plateau({.patience = 0});
  plateau.on_train_begin(h.context);
  ::testing::internal::CaptureStderr();
  for (int epoch = 0; epoch < 3; ++epoch) {
    plateau.on_epoch_end(h.context, epoch, make_logs({{"loss", 1.0 + epoch}}));
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(h.optimizer.lr(), 0.1);
  EXPECT_NE(err.find("ReduceLROnPlateau"), std::string::npos) << err;
  EXPECT_EQ(err.find("val_loss"), err.rfind("val_loss")) << err;
  EXPECT_NE(err.find("val_loss"), std::string::npos) << err;
}

TEST(ReduceLROnPlateauCallback, RejectsInvalidOptions) {
  testing::expect_error([] { ReduceLROnPlateau({.factor = 1.0}); },
                        {"ReduceLROnPlateau", "factor", "1"});
  testing::expect_error([] { ReduceLROnPlateau({.factor = 0.0}); },
                        {"ReduceLROnPlateau", "factor", "0"});
  testing::expect_error([] { ReduceLROnPlateau({.patience = -1}); },
                        {"ReduceLROnPlateau", "patience", "-1"});
  testing::expect_error([] { ReduceLROnPlateau({.cooldown = -3}); },
                        {"ReduceLROnPlateau", "cooldown", "-3"});
  testing::expect_error([] { ReduceLROnPlateau({.min_lr = -0.5}); },
                        {"ReduceLROnPlateau", "min_lr", "-0.5"});
  testing::expect_error([] { ReduceLROnPlateau({.min_delta = -1.0}); },
                        {"ReduceLROnPlateau", "min_delta", "-1"});
  testing::expect_error([] { ReduceLROnPlateau({.monitor = ""}); },
                        {"ReduceLROnPlateau", "monitor"});
  testing::expect_error([] { ReduceLROnPlateau({.out = nullptr}); }, {"ReduceLROnPlateau", "out"});
}

}  // namespace
}  // namespace nabla::callbacks
