// One statistic of nn/layer_stats.h (the gradient norm by default) against
// the layer, input side first, on a logarithmic axis: vanishing gradients are
// a curve that falls towards the input. One curve per run (a model, an
// epoch, an initialisation).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "nn/layer_stats.h"
#include "plot/curve_plot.h"

namespace nabla::plot {

struct LayerStatsPlotOptions {
  /// The statistic: grad_norm, weight_norm, update_ratio, activation_mean,
  /// activation_std, dead_fraction or saturated_fraction.
  std::string key = "grad_norm";
  bool log_y = true;
  std::string title = {};
  Legend legend = Legend::top_left;
  int width = 720;
  int height = 480;
};

/// The value of `key` in `stats`; throws nabla::Error naming
/// "plot_layer_stats" and listing the keys for an unknown key.
double layer_stat(const nn::LayerStats& stats, const std::string& key);

/// The gnuplot script of plot_layer_stats. Each run is drawn over the layers
/// where its value is finite (activation modules have no gradient norm) and,
/// on the logarithmic axis, > 0, numbered 1, 2, ... from the input; with a
/// single run the tics name the layers. Throws nabla::Error naming
/// "plot_layer_stats" for no runs, an unknown key, and as curve_plot_script.
std::string layer_stats_script(
    const std::vector<std::pair<std::string, std::vector<nn::LayerStats>>>& runs,
    const std::filesystem::path& path,
    const LayerStatsPlotOptions& options = {});

/// Draws the runs' `key` against the layer into `path`.
void plot_layer_stats(const std::vector<std::pair<std::string, std::vector<nn::LayerStats>>>& runs,
                      const std::filesystem::path& path,
                      const LayerStatsPlotOptions& options = {});

}  // namespace nabla::plot
