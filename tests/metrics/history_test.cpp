#include "metrics/history.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "metrics/logs.h"
#include "test_util.h"

namespace nabla::metrics {
namespace {

TEST(Logs, KeepsFirstInsertionOrderAndOverwrites) {
  Logs logs;
  logs.set("loss", 2.0);
  logs.set("accuracy", 0.5);
  logs.set("loss", 1.0);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs.begin()->first, "loss");
  EXPECT_EQ(logs.at("loss"), 1.0);
  EXPECT_EQ(logs.find("val_loss"), nullptr);
  testing::expect_error([&] { logs.at("val_loss"); }, {"val_loss", "loss, accuracy"});
}

// An epoch read from a file may hold any number of keys: setting them is
// O(log N) each (a linear scan per key took minutes for these).
TEST(Logs, TwoHundredThousandKeys) {
  Logs logs;
  constexpr int kKeys = 200'000;
  for (int k = kKeys - 1; k >= 0; --k) logs.set(std::string("m").append(std::to_string(k)), k);
  logs.set("m7", -1.0);
  ASSERT_EQ(logs.size(), static_cast<std::size_t>(kKeys));
  EXPECT_EQ(logs.begin()->first, "m199999");
  EXPECT_EQ(logs.at("m0"), 0.0);
  EXPECT_EQ(logs.at("m7"), -1.0);
  EXPECT_EQ(logs.find("m200000"), nullptr);
}

TEST(History, SeriesPerKeyWithNaNForMissingEpochs) {
  History h;
  Logs a;
  a.set("loss", 3.0);
  Logs b;
  b.set("loss", 2.0);
  b.set("val_loss", 2.5);
  h.append(0, a);
  h.append(1, b);
  EXPECT_EQ(h.size(), 2);
  EXPECT_EQ(h.keys(), (std::vector<std::string>{"loss", "val_loss"}));
  EXPECT_EQ(h["loss"], (std::vector<double>{3.0, 2.0}));
  std::vector<double> val = h["val_loss"];
  EXPECT_TRUE(std::isnan(val[0]));
  EXPECT_EQ(val[1], 2.5);
  testing::expect_error([&] { h["accuracy"]; }, {"History", "accuracy", "loss, val_loss"});
  History more;
  more.append(2, a);
  h.extend(more);
  EXPECT_EQ(h.epochs(), (std::vector<std::int64_t>{0, 1, 2}));
  testing::expect_error([&] { h.at(3); }, {"History::at", "3"});
}

}  // namespace
}  // namespace nabla::metrics
