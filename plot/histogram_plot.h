// Histograms of several named samples (the weights of models trained with
// different regularisers, say), one panel each over a shared range and bins,
// so their shapes compare at a glance.
//
//   plot::plot_histograms({{"none", w_plain}, {"L1", w_l1}}, "runs/weights.png", {.bins = 60});
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
#include <string>
#include <vector>

namespace nabla::plot {

/// One sample to histogram: a name (the panel's title) and its values.
struct Sample {
  std::string name;
  std::vector<double> values;
};

struct HistogramPlotOptions {
  /// Equal-width bins over [low, high].
  std::int64_t bins = 50;
  /// The range of the bins; low = high = 0: the smallest and largest finite
  /// value of all samples (widened by 1/2 on each side when they are equal).
  double low = 0.0;
  double high = 0.0;
  /// Title over the panels; none when empty.
  std::string title = {};
  std::string x_label = "value";
  /// A logarithmic count axis (empty bins are left out).
  bool log_y = false;
  /// Panels per row; 0: one panel alone, two per row otherwise.
  int columns = 0;
  /// Image size in pixels; 0: 480 per panel column and 360 per panel row.
  int width = 0;
  int height = 0;
};

/// The number of `values` in each of `bins` equal-width bins over [low, high]:
/// bin k holds low + k·w <= v < low + (k + 1)·w with w = (high − low) / bins,
/// the last bin also v = high. Values outside [low, high] and NaN are not
/// counted. Throws nabla::Error for bins < 1 or > 100000 and for a range that
/// is not finite with low < high.
std::vector<std::int64_t> histogram_counts(const std::vector<double>& values,
                                           std::int64_t bins,
                                           double low,
                                           double high);

/// The gnuplot script of plot_histograms: datablock $h<i> of sample i holds
/// one "centre count" line per bin, then one boxes plot per sample with the
/// same x range. Throws nabla::Error for no sample, a sample without a finite
/// value, the errors of histogram_counts and a negative column count.
std::string histogram_script(const std::vector<Sample>& samples,
                             const std::filesystem::path& path,
                             const HistogramPlotOptions& options = {});

/// Draws one histogram per sample into `path`.
void plot_histograms(const std::vector<Sample>& samples,
                     const std::filesystem::path& path,
                     const HistogramPlotOptions& options = {});

}  // namespace nabla::plot
