// The training curves of a History: one panel per metric (loss and
// val_loss share one), value against epoch.
//
//   plot::plot_history(history, "runs/history.png");
//
// The figure is rendered by gnuplot (plot/gnuplot.h) to PNG or SVG as the
// output path's extension says; the *_script function returns the gnuplot
// script that the plot_* function runs. Both throw nabla::Error, naming
// themselves, for a path whose extension is neither .png nor .svg, a missing
// output directory, inputs of the wrong shape or dtype, a missing gnuplot
// (saying to install gnuplot-nox) and a gnuplot failure (with gnuplot's
// message; no output file is left).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "metrics/history.h"

namespace nabla::plot {

struct HistoryPlotOptions {
  /// The series to draw; empty: every key of the History. Series are grouped
  /// into one panel per metric: "loss" and "val_loss" share the loss panel,
  /// "accuracy" and "val_accuracy" the accuracy panel, "lr" has its own.
  std::vector<std::string> keys = {};
  /// Logarithmic y axes (values <= 0 are left out of the curves).
  bool log_y = false;
  /// Title over the panels; none when empty.
  std::string title = {};
  /// Image size in pixels; 0: 560 per panel column (two columns from two
  /// panels on) and 400 per panel row.
  int width = 0;
  int height = 0;
};

/// The gnuplot script of plot_history: the datablock $history has one line
/// per recorded epoch, "epoch value1 value2 ..." (epoch counted from 1, values
/// in the order of the panels, NaN where an epoch lacks a key or, with log_y,
/// where a value is <= 0), then one panel per metric. With every key (no
/// `keys` given), a key with no value to draw is left out. Throws
/// nabla::Error for an empty History, an unknown key (listing the keys), a
/// panel of chosen keys with no value to draw, or nothing to draw at all.
std::string history_script(const metrics::History& history,
                           const std::filesystem::path& path,
                           const HistoryPlotOptions& options = {});
/// Draws the training curves of `history` against the epoch into `path`.
void plot_history(const metrics::History& history,
                  const std::filesystem::path& path,
                  const HistoryPlotOptions& options = {});

}  // namespace nabla::plot
