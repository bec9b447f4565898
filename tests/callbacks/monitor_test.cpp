#include "callbacks/monitor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_util.h"

namespace nabla::callbacks {
namespace {

TEST(Monitor, AutoModeMaximizesScoresAndMinimizesTheRest) {
  for (const char* key :
       {"accuracy", "val_accuracy", "val_acc", "auc", "val_precision", "recall", "F1", "val_r2"}) {
    EXPECT_TRUE(Monitor(key, MonitorMode::automatic, 0.0, "T").maximize()) << key;
  }
  for (const char* key : {"loss", "val_loss", "mae", "val_mse", "rmse"}) {
    EXPECT_FALSE(Monitor(key, MonitorMode::automatic, 0.0, "T").maximize()) << key;
  }
  EXPECT_FALSE(Monitor("accuracy", MonitorMode::min, 0.0, "T").maximize());
  EXPECT_TRUE(Monitor("loss", MonitorMode::max, 0.0, "T").maximize());
}

TEST(Monitor, ImprovementNeedsMoreThanMinDelta) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Monitor min("loss", MonitorMode::automatic, 0.5, "T");
  EXPECT_EQ(min.worst(), inf);
  EXPECT_TRUE(min.is_improvement(1.0, 2.0));   // 1 < 2 − 0.5
  EXPECT_FALSE(min.is_improvement(1.5, 2.0));  // not strictly below 1.5
  EXPECT_TRUE(min.is_improvement(1e300, inf));
  EXPECT_FALSE(min.is_improvement(nan, inf));
  Monitor max("accuracy", MonitorMode::automatic, 0.25, "T");
  EXPECT_EQ(max.worst(), -inf);
  EXPECT_TRUE(max.is_improvement(0.8, 0.5));  // 0.8 > 0.5 + 0.25
  EXPECT_FALSE(max.is_improvement(0.75, 0.5));
  EXPECT_FALSE(max.is_improvement(nan, -inf));
}

TEST(Monitor, RejectsAnEmptyKeyAndBadMinDelta) {
  testing::expect_error([] { Monitor("", MonitorMode::min, 0.0, "Owner"); }, {"Owner", "monitor"});
  testing::expect_error([] { Monitor("loss", MonitorMode::min, -1.0, "Owner"); },
                        {"Owner", "min_delta", "-1"});
  testing::expect_error(
      [] { Monitor("loss", MonitorMode::min, std::numeric_limits<double>::infinity(), "Owner"); },
      {"Owner", "min_delta", "inf"});
}

}  // namespace
}  // namespace nabla::callbacks
