// plot_curves: the script it writes (datablocks, panels, styles, log axes,
// markers, tics, legends, sizes), renderings, and its errors.
#include "plot/curve_plot.h"

#include <gmock/gmock.h>
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

using testing::datablock;
using testing::expect_error;
using testing::expect_image;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

std::vector<Panel> two_panels() {
  return {{.title = "loss",
           .x_label = "epoch",
           .y_label = "loss",
           .log_y = true,
           .curves = {{"sgd", {1, 2, 3}, {1.0, NAN, 0.25}}, {"adam", {1, 2}, {0.5, 0.125}}}},
          {.title = "derivative",
           .legend = Legend::none,
           .curves = {{"d", {-1, 0, 1}, {0.5, INFINITY, -2}, Style::points, 1.2}}}};
}

TEST(CurvePlotScript, OneDatablockPerCurveAndOnePlotPerPanel) {
  TempDir dir;
  const std::string s = curve_plot_script(two_panels(), dir.path() / "l.png", {.title = "runs"});
  // A value that is not finite is written as NaN: a gap in the line.
  EXPECT_EQ(datablock(s, "s0_0"), "1 1\n2 NaN\n3 0.25\n");
  EXPECT_EQ(datablock(s, "s0_1"), "1 0.5\n2 0.125\n");
  EXPECT_EQ(datablock(s, "s1_0"), "-1 0.5\n0 NaN\n1 -2\n");
  // Two panels side by side, 560 x 400 each.
  EXPECT_THAT(s, HasSubstr("size 1120,400"));
  EXPECT_THAT(s, HasSubstr("set multiplot layout 1,2 title 'runs'\n"));
  EXPECT_THAT(s, HasSubstr("set logscale y\nplot $s0_0 using 1:2 with lines lw 2 title 'sgd', "
                           "$s0_1 using 1:2 with lines lw 2 title 'adam'\n"));
  EXPECT_THAT(s, HasSubstr("unset logscale y\nplot $s1_0 using 1:2 with points pt 7 ps 1.2"));
  EXPECT_THAT(s, HasSubstr("set xlabel 'epoch'"));
  EXPECT_THAT(s, HasSubstr("set key top right\n"));
  EXPECT_THAT(s, HasSubstr("unset key\n"));
  // The second panel starts from the defaults, not from the first one's settings.
  EXPECT_THAT(s, HasSubstr("unset arrow\nunset label\nset xtics autofreq norotate\nset autoscale\n"
                           "set title 'derivative'\n"));
  EXPECT_THAT(s, HasSubstr("unset multiplot\n"));

  const std::string column = curve_plot_script(two_panels(), dir.path() / "l.png", {.columns = 1});
  EXPECT_THAT(column, HasSubstr("size 560,800"));
  EXPECT_THAT(column, HasSubstr("set multiplot layout 2,1\n"));
}

TEST(CurvePlotScript, OnePanelStylesRangesMarkersAndTics) {
  TempDir dir;
  const std::string s =
      curve_plot_script({{.title = "t",
                          .log_x = true,
                          .y_min = 0,
                          .y_max = 1,
                          .x_tics = {{1, "first"}},
                          .x_markers = {{2.5, "here"}},
                          .legend = Legend::outside_right,
                          .curves = {{"a", {1, 2}, {0.5, 0.25}, Style::line_points},
                                     {"b", {1, 2}, {0, 1}, Style::dashed},
                                     {"c", {1}, {0.1}, Style::line_points, 0.8}}}},
                        dir.path() / "l.svg");
  EXPECT_THAT(s, HasSubstr("set terminal svg"));
  EXPECT_THAT(s, HasSubstr("size 640,480"));
  EXPECT_THAT(s, HasSubstr("set multiplot layout 1,1\n"));
  EXPECT_THAT(s, HasSubstr("$s0_0 using 1:2 with linespoints lw 2 pt 7 ps 0.5 title 'a'"));
  EXPECT_THAT(s, HasSubstr("$s0_1 using 1:2 with lines dashtype 2 lw 2 title 'b'"));
  EXPECT_THAT(s, HasSubstr("$s0_2 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'c'"));
  EXPECT_THAT(s, HasSubstr("set logscale x\n"));
  EXPECT_THAT(s, HasSubstr("set yrange [0:1]\n"));
  EXPECT_THAT(s, Not(HasSubstr("set xrange")));
  EXPECT_THAT(s, HasSubstr("set key outside right top\n"));
  EXPECT_THAT(s, HasSubstr("unset xlabel\n"));
  EXPECT_THAT(s, HasSubstr("set arrow from 2.5, graph 0 to 2.5, graph 1"));
  EXPECT_THAT(s, HasSubstr("set label 'here' at 2.5"));
  EXPECT_THAT(s, HasSubstr("set xtics ('first' 1)\n"));
}

TEST(CurvePlotScript, Errors) {
  TempDir dir;
  const auto out = dir.path() / "l.png";
  expect_error([&] { curve_plot_script({}, out); }, {"plot_curves", "no panel"});
  expect_error([&] { curve_plot_script({{.title = "empty"}}, out); },
               {"plot_curves", "panel 0", "'empty'", "no curve"});
  expect_error(
      [&] {
        curve_plot_script({{.curves = {{"a", {1, 2}, {1}}}}}, out);
      },
      {"plot_curves", "'a'", "2 x values", "1 y values"});
  expect_error(
      [&] {
        curve_plot_script({{.curves = {{"b", {}, {}}}}}, out);
      },
      {"plot_curves", "'b'", "no point"});
  expect_error(
      [&] {
        curve_plot_script({{.curves = {{"c", {1, 2}, {NAN, INFINITY}}}}}, out);
      },
      {"plot_curves", "'c'", "no finite point"});
  // Values a logarithmic axis cannot show: the curve, the point and the value.
  expect_error(
      [&] {
        curve_plot_script({{.title = "loss", .log_y = true, .curves = {{"a", {1, 2}, {3, -1}}}}},
                          out);
      },
      {"plot_curves", "'loss'", "'a'", "y = -1", "point 1", "logarithmic y axis"});
  expect_error(
      [&] {
        curve_plot_script({{.log_y = true, .curves = {{"a", {1, 2}, {0, 1}}}}}, out);
      },
      {"plot_curves", "y = 0", "point 0"});
  expect_error(
      [&] {
        curve_plot_script({{.log_x = true, .curves = {{"lr", {0, 1e-3}, {1, 1}}}}}, out);
      },
      {"plot_curves", "'lr'", "x = 0", "point 0", "logarithmic x axis"});
  expect_error(
      [&] {
        curve_plot_script({{.log_x = true, .x_markers = {{-1, "m"}}, .curves = {{"a", {1}, {1}}}}},
                          out);
      },
      {"plot_curves", "marker 'm'", "x = -1"});
  expect_error(
      [&] {
        curve_plot_script({{.curves = {{"a", {1}, {1}, Style::points, 0}}}}, out);
      },
      {"plot_curves", "'a'", "point size 0"});
  expect_error([&] { curve_plot_script(two_panels(), out, {.columns = -1}); },
               {"plot_curves", "columns -1"});
  expect_error([&] { curve_plot_script(two_panels(), dir.path() / "l.pdf"); },
               {"plot_curves", ".pdf"});
  expect_error(
      [&] {
        curve_plot_script({{.curves = {{"a\nb", {1}, {1}}}}}, out);
      },
      {"plot_curves", "control character"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(PlotCurves, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  plot_curves(two_panels(), dir.path() / "l.png");
  plot_curves({{.log_x = true, .curves = {{"a", {1, 10, 100}, {3, 2, 1}, Style::line_points}}}},
              dir.path() / "l.svg");
  expect_image(dir.path() / "l.png");
  expect_image(dir.path() / "l.svg");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"l.png", "l.svg"}));
}

}  // namespace
}  // namespace nabla::plot
