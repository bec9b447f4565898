#include "callbacks/progress_bar.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <memory>
#include <sstream>
#include <string>

#include "callbacks/callback_harness.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

using callback_testing::CallbackHarness;
using callback_testing::make_logs;
using metrics::Logs;
using std::chrono::milliseconds;

// A progress bar on a string stream with a clock the test moves by hand.
struct FakeClockBar {
  explicit FakeClockBar(bool terminal, int verbose = 1, std::int64_t steps = 4) {
    h.context.epochs = 2;
    h.context.steps_per_epoch = steps;
    h.context.verbose = verbose;
    bar = std::make_unique<ProgressBar>(ProgressBarOptions{.out = &out,
                                                           .terminal = terminal,
                                                           .width = 10,
                                                           .interval = milliseconds(50),
                                                           .clock = [this] { return now; }});
    bar->on_train_begin(h.context);
  }
  void at(int ms) { now = std::chrono::steady_clock::time_point() + milliseconds(ms); }

  CallbackHarness h;
  std::ostringstream out;
  std::chrono::steady_clock::time_point now{};
  std::unique_ptr<ProgressBar> bar;
};

// One epoch of 4 batches: batch ends at 2 s, 2.02 s, 6 s and 6.01 s, the
// epoch's end at 8 s.
void run_epoch(FakeClockBar& f) {
  f.at(0);
  f.bar->on_epoch_begin(f.h.context, 0);
  f.at(2000);
  f.bar->on_batch_end(f.h.context, 0, make_logs({{"loss", 1234.5}, {"batch_size", 32}}));
  f.at(2020);
  f.bar->on_batch_end(f.h.context, 1, make_logs({{"loss", 0.5}, {"batch_size", 32}}));
  f.at(6000);
  f.bar->on_batch_end(f.h.context, 2, make_logs({{"loss", 0.25}, {"batch_size", 32}}));
  f.at(6010);
  f.bar->on_batch_end(f.h.context, 3, make_logs({{"loss", 0.125}, {"batch_size", 32}}));
  f.at(8000);
  f.bar->on_epoch_end(f.h.context, 0, make_logs({{"loss", 0.125}, {"val_loss", 0.0005}}));
}

TEST(ProgressBar, TerminalRedrawsTheBarInPlace) {
  FakeClockBar f(/*terminal=*/true);
  run_epoch(f);
  // Batch 1 of 4 after 2 s: ⌊10 · 1/4⌋ = 2 cells ("=>"), 2 s per step, ETA
  // 2 · 3 = 6 s. Batch 2 comes 20 ms later (< 50 ms): not drawn. Batch 3:
  // ⌊7.5⌋ = 7 cells, ETA 2 · 1 = 2 s; its line (41 characters) is 3 shorter
  // than the first (44), so 3 spaces blank the rest. The last batch is drawn
  // although only 10 ms passed: 6.01 s in total, 6.01 / 4 = 1.5 s per step
  // ("%.0f": 6s, 2s/step). The epoch's end redraws it at 8 s with val_loss
  // (|0.0005| <= 1e-3: "%.4e").
  const std::string line1 = "1/4 [=>........] - ETA: 6s - loss: 1234.5000";
  const std::string line2 = "3/4 [======>...] - ETA: 2s - loss: 0.2500";
  const std::string line3 = "4/4 [==========] - 6s 2s/step - loss: 0.1250";
  const std::string line4 = "4/4 [==========] - 8s 2s/step - loss: 0.1250 - val_loss: 5.0000e-04";
  ASSERT_EQ(line1.size(), 44u);
  ASSERT_EQ(line2.size(), 41u);
  EXPECT_EQ(f.out.str(),
            "Epoch 1/2\n\r" + line1 + "\r" + line2 + "   \r" + line3 + "\r" + line4 + "\n");
}

TEST(ProgressBar, NotATerminalWritesOneLinePerEpoch) {
  FakeClockBar f(/*terminal=*/false);
  run_epoch(f);
  EXPECT_EQ(f.out.str(), "Epoch 1/2 - 4/4 - 8s - 2s/step - loss: 0.1250 - val_loss: 5.0000e-04\n");
}

TEST(ProgressBar, VerboseTwoWritesOneLinePerEpochEvenOnATerminal) {
  FakeClockBar f(/*terminal=*/true, /*verbose=*/2);
  run_epoch(f);
  EXPECT_EQ(f.out.str(), "Epoch 1/2 - 4/4 - 8s - 2s/step - loss: 0.1250 - val_loss: 5.0000e-04\n");
}

TEST(ProgressBar, VerboseZeroWritesNothing) {
  FakeClockBar f(/*terminal=*/true, /*verbose=*/0);
  run_epoch(f);
  EXPECT_EQ(f.out.str(), "");
}

TEST(ProgressBar, AnEpochStoppedEarlyEndsWithThePartialBar) {
  FakeClockBar f(/*terminal=*/true);
  f.at(0);
  f.bar->on_epoch_begin(f.h.context, 1);
  f.at(1000);
  f.bar->on_batch_end(f.h.context, 0, make_logs({{"loss", 2.0}}));
  f.at(3000);
  f.bar->on_batch_end(f.h.context, 1, make_logs({{"loss", 3.0}}));
  f.at(4000);
  f.bar->on_epoch_end(f.h.context, 1, make_logs({{"loss", 3.0}}));
  // Batch 1: 1 s/step, ETA 3 s; batch 2: ⌊5⌋ = 5 cells, 1.5 s/step, ETA 3 s;
  // the end: 2 of 4 batches in 4 s, no ETA.
  EXPECT_EQ(f.out.str(),
            "Epoch 2/2\n"
            "\r1/4 [=>........] - ETA: 3s - loss: 2.0000"
            "\r2/4 [====>.....] - ETA: 3s - loss: 3.0000"
            "\r2/4 [====>.....] - 4s 2s/step - loss: 3.0000\n");
}

TEST(ProgressBar, UnknownStepsCountWithoutABar) {
  FakeClockBar f(/*terminal=*/true, /*verbose=*/1, /*steps=*/0);
  f.at(0);
  f.bar->on_epoch_begin(f.h.context, 0);
  f.at(3000);
  f.bar->on_batch_end(f.h.context, 0, make_logs({{"loss", 0.5}}));
  EXPECT_EQ(f.out.str(), "Epoch 1/2\n\r      1/Unknown - 3s 3s/step - loss: 0.5000");
}

TEST(ProgressBar, BarTextFillsCellsByTheFractionDone) {
  ProgressBar bar({.terminal = false, .width = 30});
  // 12 of 469 after 0.5 s: ⌊30 · 12 / 469⌋ = 0 cells; ETA (0.5 / 12) · 457 = 19.04 s.
  EXPECT_EQ(bar.bar_text(12, 469, 0.5, make_logs({{"loss", 0.51234}, {"accuracy", 0.8125}})),
            " 12/469 [" + std::string(30, '.') + "] - ETA: 19s - loss: 0.5123 - accuracy: 0.8125");
  // 40 of 469: ⌊2.56⌋ = 2 cells.
  // ETA (1 / 40) · 429 = 10.7 s.
  EXPECT_EQ(bar.bar_text(40, 469, 1.0, Logs()),
            " 40/469 [=>" + std::string(28, '.') + "] - ETA: 10s");
  // Done in 2.814 s: 6 ms per step.
  EXPECT_EQ(bar.bar_text(469, 469, 2.814, Logs()),
            "469/469 [" + std::string(30, '=') + "] - 3s 6ms/step");
}

TEST(ProgressBar, TimeAndValueFormats) {
  EXPECT_EQ(format_eta(3.9), "3s");
  EXPECT_EQ(format_eta(60.0), "60s");
  EXPECT_EQ(format_eta(65.5), "1:05");
  EXPECT_EQ(format_eta(3725.0), "1:02:05");
  EXPECT_EQ(format_time_per_step(2.4), "2s/step");
  EXPECT_EQ(format_time_per_step(0.0), "0s/step");
  EXPECT_EQ(format_time_per_step(0.0064), "6ms/step");
  EXPECT_EQ(format_time_per_step(0.00008), "80us/step");
  EXPECT_EQ(format_log_value(0.51236), "0.5124");
  EXPECT_EQ(format_log_value(-2.0), "-2.0000");
  EXPECT_EQ(format_log_value(0.001), "1.0000e-03");
  EXPECT_EQ(format_log_value(0.0), "0.0000e+00");
  EXPECT_EQ(format_log_value(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_log_value(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(ProgressBar, TerminalDetection) {
  std::ostringstream out;
  EXPECT_FALSE(ProgressBar({.out = &out}).terminal());
  EXPECT_TRUE(ProgressBar({.out = &out, .terminal = true}).terminal());
}

TEST(ProgressBar, RejectsInvalidOptions) {
  testing::expect_error([] { ProgressBar({.out = nullptr}); }, {"ProgressBar", "out"});
  testing::expect_error([] { ProgressBar({.width = 0}); }, {"ProgressBar", "width", "0"});
  testing::expect_error([] { ProgressBar({.interval = milliseconds(-1)}); },
                        {"ProgressBar", "interval", "-1"});
}

}  // namespace
}  // namespace nabla::callbacks
