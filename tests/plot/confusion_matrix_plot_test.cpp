#include "plot/confusion_matrix_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "plot/plot_test_util.h"
#include "temp_dir.h"
#include "tensor/factory.h"
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

TEST(ConfusionMatrixScript, CountsInTheCellsWithRowZeroOnTop) {
  const Tensor cm = from_vector<std::int64_t>({5, 1, 2, 4}, Shape{2, 2});
  TempDir dir;
  const std::string s = confusion_matrix_script(cm, {"cat", "it's"}, dir.path() / "c.png");
  // "predicted true value count": cm[i][j] at column j, row i.
  EXPECT_EQ(datablock(s, "cm"),
            "# predicted true value count\n0 0 5 5\n1 0 1 1\n0 1 2 2\n1 1 4 4\n");
  EXPECT_THAT(s, HasSubstr("set xtics ('cat' 0, 'it''s' 1) rotate by -45\n"));
  EXPECT_THAT(s, HasSubstr("set ytics ('cat' 0, 'it''s' 1)\n"));
  EXPECT_THAT(s, HasSubstr("set yrange [1.5:-0.5]\n"));
  EXPECT_THAT(s, HasSubstr("set cbrange [0:5]\n"));
  EXPECT_THAT(s, HasSubstr("sprintf('%d', int($4))"));
  // Default names are the class indices (short: no rotation).
  const std::string t = confusion_matrix_script(cm, {}, dir.path() / "c.png");
  EXPECT_THAT(t, HasSubstr("set xtics ('0' 0, '1' 1)\n"));
}

TEST(ConfusionMatrixScript, NormalizedRows) {
  // Rows: [5, 1] sum 6, [0, 0] empty (stays 0), [2, 2] sum 4... as a 3x3:
  const Tensor cm = from_vector<std::int64_t>({5, 1, 0, 0, 0, 0, 2, 0, 2}, Shape{3, 3});
  TempDir dir;
  const std::string s = confusion_matrix_script(cm, {}, dir.path() / "c.svg", {.normalize = true});
  auto g = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", v);
    return std::string(buffer);
  };
  const std::string expected =
      "# predicted true value count\n"
      "0 0 " +
      g(5.0 / 6.0) +
      " 5\n"
      "1 0 " +
      g(1.0 / 6.0) +
      " 1\n"
      "2 0 0 0\n"
      "0 1 0 0\n1 1 0 0\n2 1 0 0\n"
      "0 2 0.5 2\n1 2 0 0\n2 2 0.5 2\n";
  EXPECT_EQ(datablock(s, "cm"), expected);
  EXPECT_THAT(s, HasSubstr("set cbrange [0:1]\nM = 1\n"));
  EXPECT_THAT(s, HasSubstr("sprintf('%.2f', $3)"));
}

TEST(ConfusionMatrixScript, Errors) {
  TempDir dir;
  const fs::path out = dir.path() / "c.png";
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<std::int64_t>({1, 2, 3, 4, 5, 6}, Shape{2, 3}), {},
                                out);
      },
      {"plot_confusion_matrix", "square", "[2, 3]"});
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<float>({1, 2, 3, 4}, Shape{2, 2}), {}, out);
      },
      {"plot_confusion_matrix", "i64", "f32"});
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<std::int64_t>({1, -2, 3, 4}, Shape{2, 2}), {}, out);
      },
      {"plot_confusion_matrix", "negative count -2", "[0, 1]"});
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<std::int64_t>({1, 2, 3, 4}, Shape{2, 2}), {"a"}, out);
      },
      {"plot_confusion_matrix", "1 class names", "[2, 2]"});
  testing::expect_error([&] { confusion_matrix_script(Tensor{}, {}, out); },
                        {"plot_confusion_matrix", "undefined"});
}

TEST(PlotConfusionMatrix, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  const Tensor cm = from_vector<std::int64_t>({50, 3, 1, 4, 40, 6, 0, 2, 47}, Shape{3, 3});
  TempDir dir;
  plot_confusion_matrix(cm, {"T-shirt", "Trouser", "Pullover"}, dir.path() / "c.png");
  plot_confusion_matrix(cm, {}, dir.path() / "c.svg", {.normalize = true});
  expect_image(dir.path() / "c.png");
  expect_image(dir.path() / "c.svg");
  // Row 1 normalized: 40 / (4 + 40 + 6) = 0.80, written by gnuplot's sprintf.
  EXPECT_THAT(read_file(dir.path() / "c.svg"), HasSubstr(">0.80<"));
  EXPECT_EQ(dir.entries().size(), 2u);
}

}  // namespace
}  // namespace nabla::plot
