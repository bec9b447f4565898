#include "plot/gnuplot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

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

TEST(GnuplotHelpers, QuotesAndChoosesTheTerminalFromTheExtension) {
  EXPECT_EQ(gnuplot_quote("it's a\\b"), "'it''s a\\b'");
  testing::expect_error([] { gnuplot_quote("two\nlines", "plot_x"); },
                        {"plot_x", "control character", "10"});
  EXPECT_EQ(gnuplot_terminal("a/b.png"), "pngcairo");
  EXPECT_EQ(gnuplot_terminal("a/b.SVG"), "svg");
  testing::expect_error([] { gnuplot_terminal("plot.jpg", "plot_history"); },
                        {"plot_history", ".jpg", "plot.jpg", ".png or .svg"});
  testing::expect_error([] { gnuplot_terminal("plot", "plot_history"); },
                        {"plot_history", "unsupported output format"});
  EXPECT_EQ(gnuplot_number(0.25), "0.25");
  EXPECT_EQ(gnuplot_number(-3), "-3");
  EXPECT_EQ(gnuplot_number(std::nan("")), "NaN");
  EXPECT_EQ(gnuplot_number(HUGE_VAL), "NaN");
}

TEST(GnuplotHelpers, OutputHeaderChecksSizeAndDirectory) {
  TempDir dir;
  const std::string header = gnuplot_output(dir.path() / "a.png", 320, 240);
  EXPECT_THAT(header, HasSubstr("set terminal pngcairo noenhanced size 320,240\n"));
  EXPECT_THAT(header, HasSubstr("set output '" + (dir.path() / "a.png").string() + "'\n"));
  EXPECT_THAT(gnuplot_output(dir.path() / "a.svg", 320, 240),
              HasSubstr("set terminal svg noenhanced size 320,240"));
  testing::expect_error([&] { gnuplot_output(dir.path() / "a.png", 0, 240, "plot_x"); },
                        {"plot_x", "0x240"});
  testing::expect_error(
      [&] { gnuplot_output(dir.path() / "missing" / "a.png", 320, 240, "plot_x"); },
      {"plot_x", "does not exist", "missing"});
}

TEST(GnuplotRun, MissingExecutableSaysToInstallGnuplot) {
  EXPECT_FALSE(gnuplot_available("nabla-no-such-gnuplot-program"));
  testing::expect_error(
      [] { run_gnuplot("print 1\n", "plot_history", "nabla-no-such-gnuplot-program"); },
      {"plot_history", "nabla-no-such-gnuplot-program", "not found", "gnuplot-nox"});
}

TEST(GnuplotRun, FailureReportsExitStatusAndStderrAndRemovesTheOutput) {
  SKIP_WITHOUT_GNUPLOT();
  testing::expect_error([] { run_gnuplot("plot nabla_undefined_function(x)\n"); },
                        {"run_gnuplot", "exit status", "undefined function"});
  TempDir dir;
  const fs::path out = dir.path() / "broken.png";
  const std::string script =
      gnuplot_output(out, 200, 200, "plot_x") + "plot nabla_undefined_function(x)\n";
  testing::expect_error([&] { render_gnuplot(script, out, "plot_x"); },
                        {"plot_x", "undefined function"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(GnuplotRun, EmptyScriptSucceedsWithoutOutput) {
  SKIP_WITHOUT_GNUPLOT();
  run_gnuplot("");  // must neither hang nor throw
  TempDir dir;
  const fs::path out = dir.path() / "none.png";
  testing::expect_error([&] { render_gnuplot("", out, "plot_x"); }, {"plot_x", "without writing"});
}

}  // namespace
}  // namespace nabla::plot
