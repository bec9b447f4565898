#include "plot/history_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "metrics/history.h"
#include "metrics/logs.h"
#include "plot/plot_test_util.h"
#include "temp_dir.h"
#include "test_util.h"

namespace nabla::plot {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::datablock;
using testing::expect_image;
using testing::read_file;
using testing::TempDir;

using metrics::History;
using metrics::Logs;

History three_epochs() {
  History h;
  const double loss[] = {2.0, 1.0, 0.5};
  const double val_loss[] = {2.5, 1.5, 1.25};
  const double acc[] = {0.5, 0.75, 0.875};
  const double val_acc[] = {0.25, 0.5, 0.625};
  for (int e = 0; e < 3; ++e) {
    Logs logs;
    logs.set("loss", loss[e]);
    logs.set("accuracy", acc[e]);
    logs.set("val_loss", val_loss[e]);
    logs.set("val_accuracy", val_acc[e]);
    logs.set("lr", 0.001);
    h.append(e, logs);
  }
  return h;
}

TEST(HistoryScript, PairsTrainAndValidationSeriesPerMetric) {
  TempDir dir;
  const std::string s = history_script(three_epochs(), dir.path() / "h.png");
  // Panels in order of first appearance: loss (loss, val_loss), accuracy, lr.
  EXPECT_EQ(datablock(s, "history"),
            "# epoch loss val_loss accuracy val_accuracy lr\n"
            "1 2 2.5 0.5 0.25 0.001\n"
            "2 1 1.5 0.75 0.5 0.001\n"
            "3 0.5 1.25 0.875 0.625 0.001\n");
  // Three panels: two columns, two rows, 560 x 400 pixels each.
  EXPECT_THAT(s, HasSubstr("size 1120,800\n"));
  EXPECT_THAT(s, HasSubstr("set multiplot layout 2,2\n"));
  // The loss falls: its legend goes on top; the accuracy rises: legend below.
  EXPECT_THAT(s, HasSubstr("set title 'loss'\nset key top right\n"));
  EXPECT_THAT(s, HasSubstr("set title 'accuracy'\nset key bottom right\n"));
  EXPECT_THAT(s, HasSubstr("using 1:2 with linespoints lw 2 pt 7 ps 0.6 title 'loss', "
                           "$history using 1:3 with linespoints lw 2 pt 7 ps 0.6 "
                           "title 'val_loss'\n"));
  EXPECT_THAT(s, HasSubstr("using 1:4 with linespoints lw 2 pt 7 ps 0.6 title 'accuracy', "
                           "$history using 1:5 with linespoints lw 2 pt 7 ps 0.6 "
                           "title 'val_accuracy'\n"));
  EXPECT_THAT(s, HasSubstr("set title 'lr'\nset key top right\nset ylabel 'lr'\n"
                           "plot $history using 1:6 "));
  EXPECT_THAT(s, Not(HasSubstr("logscale")));
  EXPECT_THAT(s, HasSubstr("unset multiplot\n"));
}

TEST(HistoryScript, ChosenKeysResumedEpochsAndMissingValues) {
  History h;
  Logs a;
  a.set("loss", 4.0);
  Logs b;
  b.set("loss", 3.0);
  b.set("val_loss", 3.5);
  h.append(5, a);  // a run resumed at epoch 5 (0-based): plotted as epoch 6
  h.append(6, b);
  TempDir dir;
  const std::string s =
      history_script(h, dir.path() / "h.svg", {.keys = {"val_loss"}, .title = "run 2"});
  EXPECT_EQ(datablock(s, "history"), "# epoch val_loss\n6 NaN\n7 3.5\n");
  EXPECT_THAT(s, HasSubstr("set multiplot layout 1,1 title 'run 2'\n"));
  EXPECT_THAT(s, HasSubstr("size 560,400 "));
  EXPECT_THAT(s, HasSubstr("set title 'loss'\n"));
  EXPECT_THAT(s, Not(HasSubstr("title 'loss',")));
}

TEST(HistoryScript, LogScaleLeavesOutNonPositiveValues) {
  History h;
  const double loss[] = {1.0, 0.0, 0.01};
  for (int e = 0; e < 3; ++e) {
    Logs logs;
    logs.set("loss", loss[e]);
    logs.set("delta", -1.0);
    h.append(e, logs);
  }
  TempDir dir;
  const fs::path out = dir.path() / "h.png";
  const std::string s = history_script(h, out, {.keys = {"loss"}, .log_y = true});
  EXPECT_EQ(datablock(s, "history"), "# epoch loss\n1 1\n2 NaN\n3 0.01\n");
  EXPECT_THAT(s, HasSubstr("set logscale y\n"));
  testing::expect_error([&] { history_script(h, out, {.keys = {"delta"}, .log_y = true}); },
                        {"plot_history", "no finite, positive value", "delta"});
  // Among all keys, one with nothing to draw is left out.
  const std::string all = history_script(h, out, {.log_y = true});
  EXPECT_EQ(datablock(all, "history"), "# epoch loss\n1 1\n2 NaN\n3 0.01\n");
  EXPECT_THAT(all, Not(HasSubstr("delta")));
}

TEST(HistoryScript, Errors) {
  TempDir dir;
  const History h = three_epochs();
  testing::expect_error([&] { history_script(History{}, dir.path() / "h.png"); },
                        {"plot_history", "no epoch"});
  testing::expect_error([&] { history_script(h, dir.path() / "h.png", {.keys = {"f1"}}); },
                        {"plot_history", "'f1'", "loss, accuracy, val_loss, val_accuracy, lr"});
  testing::expect_error([&] { history_script(h, dir.path() / "h.pdf"); }, {"plot_history", ".pdf"});
  testing::expect_error([&] { history_script(h, dir.path() / "no" / "h.png"); },
                        {"plot_history", "does not exist"});
  testing::expect_error([&] { history_script(h, dir.path() / "h.png", {.title = "a\nb"}); },
                        {"plot_history", "control character"});
  History nan_only;
  Logs logs;
  logs.set("loss", std::nan(""));
  nan_only.append(0, logs);
  testing::expect_error([&] { history_script(nan_only, dir.path() / "h.png"); },
                        {"plot_history", "no finite value to plot in any of loss"});
  testing::expect_error([&] { history_script(nan_only, dir.path() / "h.png", {.keys = {"loss"}}); },
                        {"plot_history", "no finite value to plot for loss"});
}

TEST(PlotHistory, RendersPngAndSvgAndLeavesNoOtherFile) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  plot_history(three_epochs(), dir.path() / "h.png");
  plot_history(three_epochs(), dir.path() / "h.svg", {.log_y = true, .title = "log"});
  expect_image(dir.path() / "h.png");
  expect_image(dir.path() / "h.svg");
  EXPECT_THAT(read_file(dir.path() / "h.svg"), HasSubstr("val_accuracy"));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"h.png", "h.svg"}));
}

}  // namespace
}  // namespace nabla::plot
