// Curves: named series of (x, y) points drawn as lines or markers, in one
// panel or in a grid of panels (matplotlib's subplots). Every y-against-x
// figure goes through it: loss against epoch or wall time for several runs,
// an activation and its derivative, and the plots built on it, the ROC curve
// (plot/roc_curve_plot.h), the loss against the learning rate
// (plot/lr_find_plot.h) and a statistic per layer (plot/layer_stats_plot.h).
//
//   plot::plot_curves({{.title = "training loss", .x_label = "epoch", .log_y = true,
//                       .curves = {{"sgd", epochs, sgd_loss}, {"adam", epochs, adam_loss}}}},
//                     "runs/loss.png");
//
// The figure is rendered by gnuplot (plot/gnuplot.h) to PNG or SVG as the
// output path's extension says; curve_plot_script returns the gnuplot script
// that plot_curves runs. Both throw nabla::Error naming "plot_curves" for
// invalid inputs (below), a path whose extension is neither .png nor .svg, a
// missing output directory, text holding control characters, a missing
// gnuplot (saying to install gnuplot-nox) and a gnuplot failure (with
// gnuplot's message; no output file is left).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace nabla::plot {

/// How a curve is drawn.
enum class Style {
  line,         ///< points joined in order
  line_points,  ///< joined, with a marker at each point (short series)
  points,       ///< markers only (a scatter of trials)
  dashed,       ///< a dashed line (a reference such as the chance diagonal)
};

/// One curve: its legend entry and its points (x[i], y[i]), x and y of the
/// same length. A NaN or infinite coordinate leaves the point out (a diverged
/// loss), breaking the line there.
struct Curve {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  Style style = Style::line;
  /// Marker size of line_points and points (gnuplot's point size).
  double point_size = 0.5;
};

/// Where a panel's legend goes; outside_right keeps it off the curves (the
/// panel gets narrower).
enum class Legend { top_right, top_left, bottom_right, bottom_left, outside_right, none };

/// One panel (matplotlib's Axes): its curves on shared axes.
struct Panel {
  std::string title = {};
  std::string x_label = {};
  std::string y_label = {};
  /// Logarithmic axes: every finite value on them must be > 0.
  bool log_x = false;
  bool log_y = false;
  /// Fixed ranges; unset (min >= max) lets gnuplot choose.
  double x_min = 0, x_max = 0;
  double y_min = 0, y_max = 0;
  /// Tics at these x positions with these labels instead of numbers (layer
  /// names).
  std::vector<std::pair<double, std::string>> x_tics = {};
  /// Vertical dashed lines at these x positions, each with its label.
  std::vector<std::pair<double, std::string>> x_markers = {};
  Legend legend = Legend::top_right;
  std::vector<Curve> curves = {};
};

struct CurvePlotOptions {
  /// Title over all panels; none when empty.
  std::string title = {};
  /// Panels per row; 0: one panel alone, two per row otherwise.
  int columns = 0;
  /// Image size in pixels; 0: 640 x 480 for a single panel, otherwise 560
  /// per panel column and 400 per panel row.
  int width = 0;
  int height = 0;
};

/// The gnuplot script of plot_curves: one datablock $s<p>_<i> per curve i of
/// panel p, "x y" per line (NaN for a coordinate that is not finite), then one
/// plot per panel in a multiplot layout. Throws nabla::Error naming
/// "plot_curves" and the offending values for no panel, a panel without
/// curves, a curve whose x and y lengths differ, an empty curve, a curve
/// without a finite point, a finite value <= 0 on a logarithmic axis (naming
/// the panel, curve, point and value), a marker not drawable on the x axis, a
/// negative column count or point size, and the errors of gnuplot_output.
std::string curve_plot_script(const std::vector<Panel>& panels,
                              const std::filesystem::path& path,
                              const CurvePlotOptions& options = {});

/// Draws the panels' curves into `path` (PNG or SVG); throws as
/// curve_plot_script and render_gnuplot.
void plot_curves(const std::vector<Panel>& panels,
                 const std::filesystem::path& path,
                 const CurvePlotOptions& options = {});

}  // namespace nabla::plot
