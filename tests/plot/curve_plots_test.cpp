// The plots built on plot_curves: the ROC curve, the learning-rate range test
// and the per-layer statistics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "plot/layer_stats_plot.h"
#include "plot/lr_find_plot.h"
#include "plot/plot_test_util.h"
#include "plot/roc_curve_plot.h"
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

// Scores 0.9 (positive), 0.8 (negative), 0.7 (positive), 0.1 (negative):
// points (0,0), (0,½), (½,½), (½,1), (1,1).
metrics::RocCurve four_point_curve() {
  const double inf = std::numeric_limits<double>::infinity();
  return {.fpr = {0, 0, 0.5, 0.5, 1},
          .tpr = {0, 0.5, 0.5, 1, 1},
          .thresholds = {inf, 0.9, 0.8, 0.7, 0.1}};
}

TEST(RocCurvePlot, CurveDiagonalAucAndOperatingPoints) {
  TempDir dir;
  const std::string s =
      roc_curve_script(four_point_curve(), 0.75, dir.path() / "roc.png", {.thresholds = {0.75}});
  EXPECT_EQ(datablock(s, "s0_0"), "0 0\n0 0.5\n0.5 0.5\n0.5 1\n1 1\n");
  EXPECT_EQ(datablock(s, "s0_1"), "0 0\n1 1\n");
  // "positive when score >= 0.75": the point of threshold 0.8, (½, ½).
  EXPECT_EQ(datablock(s, "s0_2"), "0.5 0.5\n");
  EXPECT_THAT(s, HasSubstr("'classifier (AUC 0.750)'"));
  expect_error(
      [&] {
        roc_curve_script({.fpr = {0}, .tpr = {0}, .thresholds = {}}, 0.5, dir.path() / "r.png");
      },
      {"plot_roc_curve", ">= 2"});
  expect_error(
      [&] {
        roc_curve_script({.fpr = {0, std::nan("")}, .tpr = {0, 1}, .thresholds = {}}, 0.5,
                         dir.path() / "r.png");
      },
      {"plot_roc_curve", "single class"});
}

TEST(LrFindPlot, LogLrAxisAndTheSuggestion) {
  TempDir dir;
  const std::string s = lr_find_script({1e-4, 1e-3, 1e-2}, {2, 1, 3}, {2, 1.5, 2},
                                       dir.path() / "lr.png", {.suggested_lr = 1e-3});
  EXPECT_THAT(s, HasSubstr("set logscale x\n"));
  EXPECT_EQ(datablock(s, "s0_1"), "0.0001 2\n0.001 1.5\n0.01 2\n");
  EXPECT_THAT(s, HasSubstr("set label 'suggested 0.001' at 0.001"));
  // y from 1.5 − 0.05 to 2 + 1.
  EXPECT_THAT(s, HasSubstr("set yrange [1.45:3]"));
  expect_error([&] { lr_find_script({1}, {1}, {1}, dir.path() / "lr.png"); },
               {"plot_lr_find", ">= 2"});
}

TEST(LayerStatsPlot, OneCurvePerRunOverTheLayersWithValues) {
  TempDir dir;
  const double nan = std::nan("");
  const std::vector<nn::LayerStats> rows = {{.layer = "0", .kind = "Linear", .grad_norm = 1e-6},
                                            {.layer = "1", .kind = "ReLU", .grad_norm = nan},
                                            {.layer = "2", .kind = "Linear", .grad_norm = 0.1}};
  const std::string one = layer_stats_script({{"deep", rows}}, dir.path() / "g.png");
  EXPECT_EQ(datablock(one, "s0_0"), "1 1e-06\n2 0.1\n");
  EXPECT_THAT(one, HasSubstr("set xtics ('0' 1, '2' 2)"));
  EXPECT_THAT(one, HasSubstr("set logscale y"));
  const std::string two = layer_stats_script({{"a", rows}, {"b", rows}}, dir.path() / "g.png",
                                             {.key = "weight_norm", .log_y = false});
  EXPECT_THAT(two, Not(HasSubstr("set xtics (")));
  EXPECT_EQ(datablock(two, "s0_0"), "1 0\n2 0\n3 0\n");
  // On the logarithmic axis a layer whose value is 0 is left out like one without a value.
  const std::vector<nn::LayerStats> dead = {{.layer = "0", .kind = "Linear", .grad_norm = 0},
                                            {.layer = "1", .kind = "Linear", .grad_norm = 0.5}};
  EXPECT_EQ(datablock(layer_stats_script({{"dead", dead}}, dir.path() / "g.png"), "s0_0"),
            "1 0.5\n");
  expect_error(
      [&] {
        layer_stats_script({{"a", rows}}, dir.path() / "g.png", {.key = "norm"});
      },
      {"plot_layer_stats", "unknown key 'norm'", "grad_norm"});
  expect_error([&] { layer_stats_script({}, dir.path() / "g.png"); },
               {"plot_layer_stats", "no runs"});
}

TEST(CurvePlots, Render) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  plot_roc_curve(four_point_curve(), 0.75, dir.path() / "roc.png");
  expect_image(dir.path() / "roc.png");
  plot_lr_find({1e-4, 1e-3, 1e-2}, {2, 1, 3}, {2, 1.5, 2}, dir.path() / "lr.svg");
  expect_image(dir.path() / "lr.svg");
}

}  // namespace
}  // namespace nabla::plot
