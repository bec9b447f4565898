#include "plot/lr_find_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plot/curve_plot.h"
#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {

std::string lr_find_script(const std::vector<double>& lrs,
                           const std::vector<double>& losses,
                           const std::vector<double>& smoothed,
                           const std::filesystem::path& path,
                           const LrFindPlotOptions& options) {
  constexpr const char* op = "plot_lr_find";
  NABLA_CHECK(lrs.size() == losses.size() && lrs.size() == smoothed.size() && lrs.size() >= 2, op,
              "need lrs, losses and smoothed losses of one length >= 2, got ", lrs.size(), ", ",
              losses.size(), " and ", smoothed.size());
  Panel panel{
      .title = options.title,
      .x_label = "learning rate",
      .y_label = "loss",
      .log_x = true,
      .legend = Legend::top_left,
      .curves = {{"loss per batch", lrs, losses, Style::points, 0.4}, {"smoothed", lrs, smoothed}}};
  const double lowest = *std::min_element(smoothed.begin(), smoothed.end());
  if (std::isfinite(smoothed.front()) && std::isfinite(lowest) && smoothed.front() > lowest) {
    const double span = smoothed.front() - lowest;
    panel.y_min = lowest - 0.1 * span;
    panel.y_max = smoothed.front() + 2 * span;
  }
  if (options.suggested_lr > 0) {
    char label[48];
    std::snprintf(label, sizeof label, "suggested %.2g", options.suggested_lr);
    panel.x_markers.push_back({options.suggested_lr, label});
  }
  return curve_plot_script({panel}, path, {.width = options.width, .height = options.height});
}

void plot_lr_find(const std::vector<double>& lrs,
                  const std::vector<double>& losses,
                  const std::vector<double>& smoothed,
                  const std::filesystem::path& path,
                  const LrFindPlotOptions& options) {
  render_gnuplot(lr_find_script(lrs, losses, smoothed, path, options), path, "plot_lr_find");
}

}  // namespace nabla::plot
