#include "plot/contour_plot.h"

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

using testing::datablock;
using testing::expect_image;
using testing::read_file;
using testing::TempDir;

double bowl(double x, double y) {
  return x * x + 2 * y * y;
}

TEST(ContourScript, SamplesTheFunctionOnTheGridAndDrawsThePaths) {
  TempDir dir;
  const std::string s =
      contour_script(bowl, {{"gd", {1, 0.5}, {-1, 0}}}, dir.path() / "c.png",
                     {.x_min = -1, .x_max = 1, .y_min = 0, .y_max = 2, .resolution = 3});
  // x ∈ {−1, 0, 1} fastest, y ∈ {0, 1, 2}: f = x² + 2y².
  EXPECT_EQ(datablock(s, "grid"),
            "-1 0 1\n0 0 0\n1 0 1\n\n"
            "-1 1 3\n0 1 2\n1 1 3\n\n"
            "-1 2 9\n0 2 8\n1 2 9\n\n");
  EXPECT_EQ(datablock(s, "path0"), "1 -1\n0.5 0\n");
  EXPECT_THAT(s, HasSubstr("set cntrparam levels auto 12\n"));
  EXPECT_THAT(s, HasSubstr("set table $contours\nsplot $grid"));
  EXPECT_THAT(s, HasSubstr("set xrange [-1:1]\nset yrange [0:2]\n"));
  EXPECT_THAT(s, HasSubstr(", $path0 using 1:2 with lines lw 2 title 'gd'\n"));
  // Given levels are sorted; a non-finite f is a gap.
  const std::string levels =
      contour_script([](double x, double) { return x > 0 ? INFINITY : x; }, {},
                     dir.path() / "c.png", {.resolution = 2, .levels = {4, 0.5, 1}});
  EXPECT_THAT(levels, HasSubstr("set cntrparam levels discrete 0.5,1,4\n"));
  EXPECT_EQ(datablock(levels, "grid"), "-1 -1 -1\n1 -1 NaN\n\n-1 1 -1\n1 1 NaN\n\n");
}

TEST(ContourScript, Errors) {
  TempDir dir;
  const auto out = dir.path() / "c.png";
  testing::expect_error([&] { contour_script({}, {}, out); }, {"plot_contour", "empty"});
  testing::expect_error([&] { contour_script(bowl, {}, out, {.x_min = 1, .x_max = 1}); },
                        {"plot_contour", "[1, 1]", "min < max"});
  testing::expect_error([&] { contour_script(bowl, {}, out, {.y_max = NAN}); },
                        {"plot_contour", "nan"});
  testing::expect_error([&] { contour_script(bowl, {}, out, {.resolution = 1}); },
                        {"plot_contour", "resolution 1"});
  testing::expect_error([&] { contour_script(bowl, {}, out, {.level_count = 0}); },
                        {"plot_contour", "level_count 0"});
  testing::expect_error(
      [&] {
        contour_script(bowl, {}, out, {.levels = {1, INFINITY}});
      },
      {"plot_contour", "level inf"});
  testing::expect_error(
      [&] {
        contour_script(bowl, {{"p", {1}, {}}}, out);
      },
      {"plot_contour", "'p'", "1 x values", "0 y values"});
  testing::expect_error(
      [&] {
        contour_script(bowl, {{"q", {}, {}}}, out);
      },
      {"plot_contour", "'q'", "no point"});
}

TEST(PlotContour, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  const std::vector<Curve> paths = {{"gd", {0.9, 0.5, 0.1}, {0.9, 0.2, 0.0}}};
  plot_contour(bowl, paths, dir.path() / "c.png", {.resolution = 30});
  plot_contour(bowl, paths, dir.path() / "c.svg", {.levels = {0.1, 0.5, 1, 2}, .points = true});
  expect_image(dir.path() / "c.png");
  expect_image(dir.path() / "c.svg");
  EXPECT_THAT(read_file(dir.path() / "c.svg"), HasSubstr("gd"));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"c.png", "c.svg"}));
}

}  // namespace
}  // namespace nabla::plot
