// A function of two variables drawn as contour lines, with paths drawn over
// it: the 2-D loss surface of an optimisation problem and the trajectories
// that optimizers take across it.
//
//   plot::plot_contour(rosenbrock, {{"adam", xs, ys}}, "runs/rosenbrock.png",
//                      {.x_min = -2, .x_max = 2, .y_min = -1, .y_max = 3});
//
// The figure is rendered by gnuplot (plot/gnuplot.h) to PNG or SVG as the
// output path's extension says; the *_script function returns the gnuplot
// script that the plot_* function runs. Both throw nabla::Error, naming
// themselves, for a path whose extension is neither .png nor .svg, a missing
// output directory, invalid inputs (below), a missing gnuplot (saying to
// install gnuplot-nox) and a gnuplot failure (with gnuplot's message; no
// output file is left).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "plot/curve_plot.h"

namespace nabla::plot {

struct ContourPlotOptions {
  /// The rectangle drawn (and over which f is sampled).
  double x_min = -1.0;
  double x_max = 1.0;
  double y_min = -1.0;
  double y_max = 1.0;
  /// Grid points per axis at which f is evaluated, in [2, 1000].
  std::int64_t resolution = 100;
  /// The contour levels; empty: `level_count` levels chosen by gnuplot.
  std::vector<double> levels = {};
  std::int64_t level_count = 12;
  std::string title = {};
  std::string x_label = "x";
  std::string y_label = "y";
  /// Draw a marker at every point of a path (for short paths).
  bool points = false;
  int width = 640;
  int height = 560;
};

/// The gnuplot script of plot_contour. f is evaluated on the grid
/// x_i = x_min + i·(x_max − x_min)/(r − 1), y_j likewise, i, j in [0, r) with
/// r = resolution; datablock $grid holds "x y f(x, y)" lines, x varying
/// fastest and a blank line after each row (NaN where f is not finite).
/// gnuplot turns it into contour lines (a table $contours), and each path i
/// (a Curve: name, x, y; its style is not used) becomes datablock $path<i> drawn over them. Throws
/// nabla::Error for an empty f, a rectangle that is not finite with min <
/// max, a resolution outside [2, 1000], a level_count outside [1, 100] (when
/// no levels are given), non-finite levels, a path whose x and y differ in
/// length or that is empty, and titles holding control characters.
std::string contour_script(const std::function<double(double, double)>& f,
                           const std::vector<Curve>& paths,
                           const std::filesystem::path& path,
                           const ContourPlotOptions& options = {});

/// Draws the contours of f with the paths over them into `path`.
void plot_contour(const std::function<double(double, double)>& f,
                  const std::vector<Curve>& paths,
                  const std::filesystem::path& path,
                  const ContourPlotOptions& options = {});

}  // namespace nabla::plot
