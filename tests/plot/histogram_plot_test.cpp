#include "plot/histogram_plot.h"

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

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::datablock;
using testing::expect_image;
using testing::TempDir;

TEST(HistogramCounts, EqualWidthBinsWithTheUpperEdgeInTheLastBin) {
  // [0, 4] in 4 bins of width 1: [0,1) [1,2) [2,3) [3,4].
  EXPECT_THAT(histogram_counts({0, 0.5, 1, 2.5, 3, 4, -0.1, 4.1, NAN}, 4, 0, 4),
              ElementsAre(2, 1, 1, 2));
  EXPECT_THAT(histogram_counts({}, 2, -1, 1), ElementsAre(0, 0));
  testing::expect_error([] { histogram_counts({1}, 0, 0, 1); }, {"histogram_counts", "bins 0"});
  testing::expect_error([] { histogram_counts({1}, 2, 1, 1); },
                        {"histogram_counts", "[1, 1]", "low < high"});
  testing::expect_error([] { histogram_counts({1}, 2, 0, INFINITY); }, {"histogram_counts", "inf"});
}

TEST(HistogramScript, SharedRangeFromAllSamples) {
  TempDir dir;
  const std::vector<Sample> samples = {{"a", {0, 1, 1, 2}}, {"b", {4, NAN}}};
  // Range [0, 4] from both samples; 2 bins of width 2 centred at 1 and 3.
  const std::string s = histogram_script(samples, dir.path() / "h.png", {.bins = 2});
  EXPECT_EQ(datablock(s, "h0"), "1 3\n3 1\n");
  EXPECT_EQ(datablock(s, "h1"), "1 0\n3 1\n");
  EXPECT_THAT(s, HasSubstr("set boxwidth 2\n"));
  EXPECT_THAT(s, HasSubstr("set xrange [0:4]\n"));
  EXPECT_THAT(s, HasSubstr("set title 'b'\nplot $h1 using 1:2 with boxes"));
  // A given range and a log count axis: empty bins become gaps.
  const std::string log = histogram_script(samples, dir.path() / "h.png",
                                           {.bins = 4, .low = -2, .high = 2, .log_y = true});
  EXPECT_EQ(datablock(log, "h0"), "-1.5 NaN\n-0.5 NaN\n0.5 1\n1.5 3\n");
  // All values equal: the range is widened to [v − ½, v + ½].
  EXPECT_EQ(datablock(histogram_script({{"c", {3, 3}}}, dir.path() / "h.png", {.bins = 1}), "h0"),
            "3 2\n");
}

TEST(HistogramScript, Errors) {
  TempDir dir;
  const auto out = dir.path() / "h.png";
  testing::expect_error([&] { histogram_script({}, out); }, {"plot_histograms", "no sample"});
  testing::expect_error(
      [&] {
        histogram_script({{"a", {1}}, {"nan", {NAN}}}, out);
      },
      {"plot_histograms", "'nan'", "no finite value"});
  testing::expect_error(
      [&] {
        histogram_script({{"a", {1}}}, out, {.bins = 0});
      },
      {"histogram_counts", "bins 0"});
  testing::expect_error(
      [&] {
        histogram_script({{"a", {1}}}, out, {.low = 2, .high = 1});
      },
      {"histogram_counts", "[2, 1]"});
  testing::expect_error(
      [&] {
        histogram_script({{"a", {1}}}, out, {.columns = -2});
      },
      {"plot_histograms", "columns -2"});
}

TEST(PlotHistograms, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  const std::vector<Sample> samples = {{"none", {-1, 0, 0.5, 0.5, 1}}, {"L1", {0, 0, 0, 0.1}}};
  plot_histograms(samples, dir.path() / "h.png", {.bins = 10});
  plot_histograms(samples, dir.path() / "h.svg", {.log_y = true});
  expect_image(dir.path() / "h.png");
  expect_image(dir.path() / "h.svg");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"h.png", "h.svg"}));
}

}  // namespace
}  // namespace nabla::plot
