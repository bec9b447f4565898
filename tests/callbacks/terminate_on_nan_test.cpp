#include "callbacks/terminate_on_nan.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "callbacks/callback_harness.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

using callback_testing::CallbackHarness;
using callback_testing::make_logs;

TEST(TerminateOnNaN, StopsAtTheFirstNaNLoss) {
  CallbackHarness h;
  std::ostringstream out;
  TerminateOnNaN terminate({.out = &out});
  terminate.on_train_begin(h.context);
  terminate.on_epoch_begin(h.context, 0);
  terminate.on_batch_end(h.context, 0, make_logs({{"loss", 0.5}, {"batch_size", 4}}));
  terminate.on_batch_end(h.context, 1, make_logs({{"accuracy", 0.5}}));  // no loss: ignored
  terminate.on_batch_end(h.context, 2, make_logs({{"loss", 1e300}}));
  EXPECT_FALSE(h.context.stop_training);
  EXPECT_EQ(out.str(), "");
  terminate.on_epoch_begin(h.context, 1);
  terminate.on_batch_end(h.context, 0, make_logs({{"loss", 0.5}}));
  terminate.on_batch_end(h.context, 1,
                         make_logs({{"loss", std::numeric_limits<double>::quiet_NaN()}}));
  EXPECT_TRUE(h.context.stop_training);
  EXPECT_EQ(terminate.terminated_epoch(), 1);
  EXPECT_EQ(terminate.terminated_batch(), 1);
  EXPECT_EQ(out.str(), "Batch 1: invalid loss nan, terminating training\n");
}

TEST(TerminateOnNaN, InfiniteLossesStopToo) {
  for (double loss :
       {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    CallbackHarness h;
    std::ostringstream out;
    TerminateOnNaN terminate({.out = &out});
    terminate.on_train_begin(h.context);
    terminate.on_epoch_begin(h.context, 0);
    terminate.on_batch_end(h.context, 3, make_logs({{"loss", loss}}));
    EXPECT_TRUE(h.context.stop_training);
    EXPECT_EQ(out.str(), std::string("Batch 3: invalid loss ") + (loss > 0 ? "inf" : "-inf") +
                             ", terminating training\n");
  }
}

TEST(TerminateOnNaN, OnTrainBeginResets) {
  CallbackHarness h;
  std::ostringstream out;
  TerminateOnNaN terminate({.out = &out});
  terminate.on_batch_end(h.context, 0,
                         make_logs({{"loss", std::numeric_limits<double>::infinity()}}));
  EXPECT_EQ(terminate.terminated_batch(), 0);
  terminate.on_train_begin(h.context);
  EXPECT_EQ(terminate.terminated_epoch(), -1);
  EXPECT_EQ(terminate.terminated_batch(), -1);
}

TEST(TerminateOnNaN, RejectsANullStream) {
  testing::expect_error([] { TerminateOnNaN({.out = nullptr}); }, {"TerminateOnNaN", "out"});
}

}  // namespace
}  // namespace nabla::callbacks
