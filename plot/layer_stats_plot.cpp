#include "plot/layer_stats_plot.h"

#include <cmath>

#include "plot/curve_plot.h"
#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {
namespace {
constexpr const char* kOp = "plot_layer_stats";
}

double layer_stat(const nn::LayerStats& stats, const std::string& key) {
  if (key == "grad_norm") return stats.grad_norm;
  if (key == "weight_norm") return stats.weight_norm;
  if (key == "update_ratio") return stats.update_ratio;
  if (key == "activation_mean") return stats.activation_mean;
  if (key == "activation_std") return stats.activation_std;
  if (key == "dead_fraction") return stats.dead_fraction;
  if (key == "saturated_fraction") return stats.saturated_fraction;
  nabla::detail::throw_error(kOp, "unknown key '", key,
                             "'; the keys are grad_norm, weight_norm, update_ratio, "
                             "activation_mean, activation_std, dead_fraction, saturated_fraction");
}

std::string layer_stats_script(
    const std::vector<std::pair<std::string, std::vector<nn::LayerStats>>>& runs,
    const std::filesystem::path& path,
    const LayerStatsPlotOptions& options) {
  NABLA_CHECK(!runs.empty(), kOp, "no runs to plot");
  Panel panel{.title = options.title,
              .x_label = "layer (1 = next to the input)",
              .y_label = options.key,
              .log_y = options.log_y,
              .legend = options.legend};
  for (const auto& [name, rows] : runs) {
    Curve s{name, {}, {}, Style::line_points};
    for (const nn::LayerStats& row : rows) {
      const double value = layer_stat(row, options.key);
      // Layers without the statistic (an activation has no gradient norm), and
      // zeros a logarithmic axis cannot show (a layer whose gradient is exactly 0).
      if (std::isnan(value) || (options.log_y && value <= 0)) continue;
      s.x.push_back(static_cast<double>(s.x.size() + 1));
      s.y.push_back(value);
      if (runs.size() == 1) panel.x_tics.push_back({s.x.back(), row.layer});
    }
    panel.curves.push_back(std::move(s));
  }
  return curve_plot_script({panel}, path, {.width = options.width, .height = options.height});
}

void plot_layer_stats(const std::vector<std::pair<std::string, std::vector<nn::LayerStats>>>& runs,
                      const std::filesystem::path& path,
                      const LayerStatsPlotOptions& options) {
  render_gnuplot(layer_stats_script(runs, path, options), path, kOp);
}

}  // namespace nabla::plot
