// Curves y(x) of several named series in one or more panels: loss against
// epoch or wall time for several runs, an activation and its derivative,
// gradient norms per layer.
//
//   plot::plot_lines({{.title = "loss", .series = {{"sgd", epochs, sgd_loss},
//                                                  {"adam", epochs, adam_loss}}}},
//                    "runs/loss.png");
//
// The figure is rendered by gnuplot (plot/gnuplot.h) to PNG or SVG as the
// output path's extension says; the *_script function returns the gnuplot
// script that the plot_* function runs. Both throw nabla::Error, naming
// themselves, for a path whose extension is neither .png nor .svg, a missing
// output directory, invalid inputs (below), a missing gnuplot (saying to
// install gnuplot-nox) and a gnuplot failure (with gnuplot's message; no
// output file is left).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nabla::plot {

/// One curve: the points (x[i], y[i]), joined in order. A NaN or infinite y
/// (or, on a log axis, a value <= 0) breaks the curve there.
struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

/// One panel: its curves on shared axes.
struct LinePanel {
  std::string title = {};
  std::string x_label = {};
  std::string y_label = {};
  bool log_x = false;
  bool log_y = false;
  std::vector<Series> series = {};
};

/// Where each panel's legend goes.
enum class Legend { top_right, bottom_left, outside_right, none };

struct LinePlotOptions {
  /// Title over all panels; none when empty.
  std::string title = {};
  /// Panels per row; 0: one panel alone, two per row otherwise.
  int columns = 0;
  /// Draw a marker at every point (for short series).
  bool points = false;
  /// outside_right keeps the legend off the curves (the panel gets narrower).
  Legend legend = Legend::top_right;
  /// Image size in pixels; 0: 560 per panel column and 400 per panel row.
  int width = 0;
  int height = 0;
};

/// The gnuplot script of plot_lines: one datablock $s<p>_<i> per series i of
/// panel p, "x y" per line (NaN where y is not finite or a log axis cannot
/// show a value), then one plot per panel in a multiplot layout. Throws
/// nabla::Error for no panel, a panel without series, a series whose x and y
/// differ in length or that is empty, a negative column count and titles
/// holding control characters.
std::string line_plot_script(const std::vector<LinePanel>& panels,
                             const std::filesystem::path& path,
                             const LinePlotOptions& options = {});

/// Draws the panels' curves into `path`.
void plot_lines(const std::vector<LinePanel>& panels,
                const std::filesystem::path& path,
                const LinePlotOptions& options = {});

}  // namespace nabla::plot
