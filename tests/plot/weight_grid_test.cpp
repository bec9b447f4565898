#include "plot/weight_grid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "nn/linear.h"
#include "plot/plot_test_util.h"
#include "temp_dir.h"
#include "tensor/factory.h"
#include "tensor/random.h"
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

// W [4, 3] for 2x2 images; column u is unit u's image (pixels row-major):
//   unit 0: [1, -2, 0, 0.5]  / max|w| 2 -> [0.5, -1, 0, 0.25]
//   unit 1: [0, 0, 0, 0]     (stays 0)
//   unit 2: [3, 1, -1.5, 0]  / 3        -> [1, 0.3333, -0.5, 0]
Tensor small_weight() {
  return from_vector<double>({1, 0, 3, -2, 0, 1, 0, 0, -1.5, 0.5, 0, 0}, Shape{4, 3});
}

TEST(WeightGridScript, EachUnitScaledToItsOwnRangeAndTiled) {
  TempDir dir;
  const std::string s = weight_grid_script(small_weight(), dir.path() / "w.png",
                                           {.image_height = 2, .image_width = 2});
  // 3 units, ceil(sqrt(3)) = 2 columns, 2 rows; one-pixel NaN gaps: a 5x5 matrix.
  EXPECT_EQ(datablock(s, "weights"),
            "0.5 -1 NaN 0 0\n"
            "0 0.25 NaN 0 0\n"
            "NaN NaN NaN NaN NaN\n"
            "1 0.3333 NaN NaN NaN\n"
            "-0.5 0 NaN NaN NaN\n");
  EXPECT_THAT(s, HasSubstr("set xrange [-0.5:4.5]\nset yrange [4.5:-0.5]\n"));
  EXPECT_THAT(s, HasSubstr("set cbrange [-1:1]\n"));
  EXPECT_THAT(s, HasSubstr("plot $weights matrix with image"));
}

TEST(WeightGridScript, CountAndColumns) {
  TempDir dir;
  const fs::path out = dir.path() / "w.svg";
  // The first unit only: a 2x2 matrix.
  EXPECT_EQ(datablock(weight_grid_script(small_weight(), out,
                                         {.image_height = 2, .image_width = 2, .count = 1}),
                      "weights"),
            "0.5 -1\n0 0.25\n");
  // Three units in one row of three: 2 x (3·2 + 2).
  EXPECT_EQ(datablock(weight_grid_script(small_weight(), out,
                                         {.image_height = 2, .image_width = 2, .columns = 3}),
                      "weights"),
            "0.5 -1 NaN 0 0 NaN 1 0.3333\n0 0.25 NaN 0 0 NaN -0.5 0\n");
  // A 1x4 image shape reads the same column as one row.
  EXPECT_EQ(datablock(weight_grid_script(small_weight(), out,
                                         {.image_height = 1, .image_width = 4, .count = 1}),
                      "weights"),
            "0.5 -1 0 0.25\n");
}

TEST(WeightGridScript, Errors) {
  TempDir dir;
  const fs::path out = dir.path() / "w.png";
  testing::expect_error([&] { weight_grid_script(small_weight(), out); },
                        {"plot_weight_grid", "4 input features", "28x28", "784"});
  testing::expect_error(
      [&] {
        weight_grid_script(from_vector<double>({1, 2, 3, 4}), out,
                           {.image_height = 2, .image_width = 2});
      },
      {"plot_weight_grid", "[in_features, out_features]", "[4]"});
  testing::expect_error(
      [&] {
        weight_grid_script(from_vector<std::int64_t>({1, 2, 3, 4}, Shape{4, 1}), out,
                           {.image_height = 2, .image_width = 2});
      },
      {"plot_weight_grid", "floating"});
  testing::expect_error(
      [&] {
        weight_grid_script(small_weight(), out, {.image_height = 2, .image_width = 2, .count = 4});
      },
      {"plot_weight_grid", "count 4", "3 units"});
  testing::expect_error(
      [&] {
        weight_grid_script(small_weight(), out,
                           {.image_height = 2, .image_width = 2, .columns = -1});
      },
      {"plot_weight_grid", "columns -1"});
  testing::expect_error(
      [&] {
        weight_grid_script(small_weight(), dir.path() / "w.bmp",
                           {.image_height = 2, .image_width = 2});
      },
      {"plot_weight_grid", ".bmp"});
}

TEST(PlotWeightGrid, RendersALinearLayersWeights) {
  SKIP_WITHOUT_GNUPLOT();
  manual_seed(7);
  nn::Linear layer(784, 20);
  TempDir dir;
  plot_weight_grid(layer.weight.value(), dir.path() / "w.png", {.count = 16});
  plot_weight_grid(layer.weight.value(), dir.path() / "w.svg", {.columns = 5});
  expect_image(dir.path() / "w.png");
  expect_image(dir.path() / "w.svg");
  EXPECT_EQ(dir.entries().size(), 2u);
}

}  // namespace
}  // namespace nabla::plot
