// plot_curves: the script it writes (datablocks, log axes, markers, tics), a rendering, and its
// errors.
#include "plot/curve_plot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "plot/plot_test_util.h"
#include "temp_dir.h"
#include "test_util.h"

namespace nabla::plot {
namespace {

using testing::datablock;
using testing::expect_error;
using testing::expect_image;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

TEST(CurvePlotScript, OneDatablockPerSeriesAndLogAxesDropNonPositivePoints) {
  TempDir dir;
  const std::string s = curve_plot_script(
      {{"a", {1, 2, 3}, {10, 0, 1000}}, {"b", {1, 2}, {5, std::nan("")}, "lines"}},
      dir.path() / "l.png",
      {.title = "t", .log_y = true, .x_markers = {{2.5, "here"}}, .x_tics = {{1, "first"}}});
  EXPECT_EQ(datablock(s, "s0"), "1 10\nNaN NaN\n3 1000\n");
  EXPECT_EQ(datablock(s, "s1"), "1 5\nNaN NaN\n");
  EXPECT_THAT(s, HasSubstr("set logscale y\n"));
  EXPECT_THAT(s, Not(HasSubstr("set logscale x")));
  EXPECT_THAT(s, HasSubstr("set arrow from 2.5, graph 0 to 2.5, graph 1"));
  EXPECT_THAT(s, HasSubstr("set label 'here' at 2.5"));
  EXPECT_THAT(s, HasSubstr("set xtics ('first' 1)"));
  EXPECT_THAT(s, HasSubstr("$s1 using 1:2 with lines lw 2 title 'b'"));
}

TEST(CurvePlot, Renders) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  plot_curves({{"a", {1, 10, 100}, {3, 2, 1}}}, dir.path() / "l.png", {.log_x = true});
  expect_image(dir.path() / "l.png");
}

TEST(CurvePlotScript, Errors) {
  TempDir dir;
  const auto path = dir.path() / "l.png";
  expect_error([&] { curve_plot_script({}, path); }, {"plot_curves", "no series"});
  expect_error(
      [&] {
        curve_plot_script({{"a", {1, 2}, {1}}}, path);
      },
      {"plot_curves", "'a'", "2 x values", "1 y values"});
  expect_error(
      [&] {
        curve_plot_script({{"a", {1, 2}, {-1, 0}}}, path, {.log_y = true});
      },
      {"plot_curves", "'a'", "positive"});
  expect_error(
      [&] {
        curve_plot_script({{"a", {1}, {1}}}, path, {.key = "top; system 'x'"});
      },
      {"plot_curves", "key"});
  expect_error([&] { curve_plot_script({{"a", {1}, {1}}}, dir.path() / "l.jpg"); }, "plot_curves");
}

}  // namespace
}  // namespace nabla::plot
