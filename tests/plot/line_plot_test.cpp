#include "plot/line_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "plot/plot_test_util.h"
#include "temp_dir.h"
#include "test_util.h"

namespace nabla::plot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::datablock;
using testing::expect_image;
using testing::read_file;
using testing::TempDir;

std::vector<LinePanel> two_panels() {
  return {{.title = "loss",
           .x_label = "epoch",
           .y_label = "loss",
           .log_y = true,
           .series = {{"sgd", {1, 2, 3}, {1.0, 0.0, 0.25}}, {"adam", {1, 2}, {0.5, 0.125}}}},
          {.title = "derivative", .series = {{"d", {-1, 0, 1}, {0.5, NAN, -2}}}}};
}

TEST(LinePlotScript, OneDatablockPerSeriesAndOnePlotPerPanel) {
  TempDir dir;
  const std::string s = line_plot_script(two_panels(), dir.path() / "l.png", {.title = "runs"});
  // On the log axis the 0 becomes a gap; a NaN stays a gap.
  EXPECT_EQ(datablock(s, "s0_0"), "1 1\n2 NaN\n3 0.25\n");
  EXPECT_EQ(datablock(s, "s0_1"), "1 0.5\n2 0.125\n");
  EXPECT_EQ(datablock(s, "s1_0"), "-1 0.5\n0 NaN\n1 -2\n");
  // Two panels side by side, 560 x 400 each.
  EXPECT_THAT(s, HasSubstr("size 1120,400"));
  EXPECT_THAT(s, HasSubstr("set multiplot layout 1,2 title 'runs'"));
  EXPECT_THAT(s, HasSubstr("set logscale y\nplot $s0_0 using 1:2 with lines lw 2 title 'sgd', "
                           "$s0_1 using 1:2 with lines lw 2 title 'adam'\n"));
  EXPECT_THAT(s, HasSubstr("unset logscale y\nplot $s1_0"));
  EXPECT_THAT(s, HasSubstr("set xlabel 'epoch'"));
  const std::string points =
      line_plot_script(two_panels(), dir.path() / "l.png", {.columns = 1, .points = true});
  EXPECT_THAT(points, HasSubstr("set multiplot layout 2,1\n"));
  EXPECT_THAT(points, HasSubstr("with linespoints"));
  EXPECT_THAT(points, HasSubstr("set key top right\n"));
  EXPECT_THAT(
      line_plot_script(two_panels(), dir.path() / "l.png", {.legend = Legend::outside_right}),
      HasSubstr("set key outside right top\n"));
  EXPECT_THAT(line_plot_script(two_panels(), dir.path() / "l.png", {.legend = Legend::none}),
              HasSubstr("unset key\n"));
}

TEST(LinePlotScript, Errors) {
  TempDir dir;
  const auto out = dir.path() / "l.png";
  testing::expect_error([&] { line_plot_script({}, out); }, {"plot_lines", "no panel"});
  testing::expect_error([&] { line_plot_script({{.title = "empty"}}, out); },
                        {"plot_lines", "panel 0", "'empty'", "no series"});
  testing::expect_error(
      [&] {
        line_plot_script({{.series = {{"a", {1, 2}, {1}}}}}, out);
      },
      {"plot_lines", "'a'", "2 x values", "1 y values"});
  testing::expect_error(
      [&] {
        line_plot_script({{.series = {{"b", {}, {}}}}}, out);
      },
      {"plot_lines", "'b'", "no point"});
  testing::expect_error([&] { line_plot_script(two_panels(), out, {.columns = -1}); },
                        {"plot_lines", "columns -1"});
  testing::expect_error([&] { line_plot_script(two_panels(), dir.path() / "l.pdf"); },
                        {"plot_lines", ".pdf"});
  testing::expect_error(
      [&] {
        line_plot_script({{.series = {{"a\nb", {1}, {1}}}}}, out);
      },
      {"plot_lines", "control character"});
}

TEST(PlotLines, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  plot_lines(two_panels(), dir.path() / "l.png");
  plot_lines(two_panels(), dir.path() / "l.svg", {.points = true});
  expect_image(dir.path() / "l.png");
  expect_image(dir.path() / "l.svg");
  EXPECT_THAT(read_file(dir.path() / "l.svg"), HasSubstr("adam"));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"l.png", "l.svg"}));
}

}  // namespace
}  // namespace nabla::plot
