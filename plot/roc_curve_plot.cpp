#include "plot/roc_curve_plot.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "plot/curve_plot.h"
#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {

std::string roc_curve_script(const metrics::RocCurve& curve,
                             double auc,
                             const std::filesystem::path& path,
                             const RocPlotOptions& options) {
  constexpr const char* op = "plot_roc_curve";
  NABLA_CHECK(curve.fpr.size() == curve.tpr.size() && curve.fpr.size() >= 2, op,
              "need fpr and tpr of the same length >= 2, got ", curve.fpr.size(), " and ",
              curve.tpr.size());
  for (std::size_t i = 0; i < curve.fpr.size(); ++i) {
    NABLA_CHECK(!std::isnan(curve.fpr[i]) && !std::isnan(curve.tpr[i]), op, "point ", i,
                " is NaN: the labels hold a single class");
  }
  char legend[64];
  std::snprintf(legend, sizeof legend, " (AUC %.3f)", auc);
  std::vector<Curve> series = {
      {options.name + legend, curve.fpr, curve.tpr},
      {"chance", {0.0, 1.0}, {0.0, 1.0}, Style::dashed},
  };
  if (!options.thresholds.empty()) {
    NABLA_CHECK(curve.thresholds.size() == curve.fpr.size(), op,
                "the curve has no thresholds to mark");
    Curve marks{"thresholds", {}, {}, Style::points, 1.2};
    for (const double t : options.thresholds) {
      // The operating point of "positive when score >= t": the last curve
      // point whose threshold is still >= t (thresholds decrease).
      std::size_t at = 0;
      for (std::size_t i = 0; i < curve.thresholds.size(); ++i) {
        if (curve.thresholds[i] >= t) at = i;
      }
      marks.x.push_back(curve.fpr[at]);
      marks.y.push_back(curve.tpr[at]);
    }
    series.push_back(std::move(marks));
  }
  return curve_plot_script({{.title = options.title,
                             .x_label = "false positive rate",
                             .y_label = "true positive rate",
                             .x_min = 0,
                             .x_max = 1,
                             .y_min = 0,
                             .y_max = 1.02,
                             .legend = Legend::bottom_right,
                             .curves = std::move(series)}},
                           path, {.width = options.width, .height = options.height});
}

void plot_roc_curve(const metrics::RocCurve& curve,
                    double auc,
                    const std::filesystem::path& path,
                    const RocPlotOptions& options) {
  render_gnuplot(roc_curve_script(curve, auc, path, options), path, "plot_roc_curve");
}

}  // namespace nabla::plot
