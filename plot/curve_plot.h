// Curves: named (x, y) series in one panel, with optional logarithmic
// axes, vertical markers and named x tics: the shape shared by the ROC curve
// (plot/roc_curve_plot.h), the loss against the learning rate
// (plot/lr_find_plot.h) and the per-layer gradient norms
// (plot/layer_stats_plot.h).
//
//   plot::plot_curves({{"train", epochs, loss}}, "runs/loss.png", {.log_y = true});
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace nabla::plot {

/// One curve: its legend entry and its points (x and y of the same length).
struct Curve {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  /// A gnuplot style for the curve ("lines", "points", "linespoints");
  /// empty: linespoints with small points.
  std::string style = {};
};

struct CurvePlotOptions {
  std::string title = {};
  std::string xlabel = {};
  std::string ylabel = {};
  bool log_x = false;
  bool log_y = false;
  /// Vertical dashed lines at these x positions, each with its label.
  std::vector<std::pair<double, std::string>> x_markers = {};
  /// Tics at these x positions with these labels instead of numbers (e.g.
  /// layer names).
  std::vector<std::pair<double, std::string>> x_tics = {};
  /// Fixed ranges; unset (min >= max) lets gnuplot choose.
  double x_min = 0, x_max = 0;
  double y_min = 0, y_max = 0;
  /// Where the legend goes ("top right", "bottom right", ...).
  std::string key = "top right";
  int width = 640;
  int height = 480;
};

/// The gnuplot script of plot_curves: one datablock $s<i> per series ("x y"
/// per line; points that are not finite, or not positive on a logarithmic
/// axis, are written as NaN and left out of the curve). Throws nabla::Error
/// naming "plot_curves" for no series, a series of x and y lengths that
/// differ, a series without a single drawable point, and the errors of
/// gnuplot_output (extension, size, directory) and gnuplot_quote.
std::string curve_plot_script(const std::vector<Curve>& series,
                              const std::filesystem::path& path,
                              const CurvePlotOptions& options = {});

/// Draws the series into `path` (PNG or SVG); throws as curve_plot_script and
/// render_gnuplot.
void plot_curves(const std::vector<Curve>& series,
                 const std::filesystem::path& path,
                 const CurvePlotOptions& options = {});

}  // namespace nabla::plot
