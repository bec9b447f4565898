// The ROC curve of a binary classifier (metrics/roc_auc.h): true positive
// rate against false positive rate, with the chance diagonal and the AUC in
// the legend, and optionally the operating points of chosen thresholds.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "metrics/roc_auc.h"

namespace nabla::plot {

struct RocPlotOptions {
  std::string title = "ROC curve";
  /// The curve's legend entry; "(AUC 0.912)" is appended.
  std::string name = "classifier";
  /// Thresholds whose operating point (FPR, TPR) is marked on the curve.
  std::vector<double> thresholds = {};
  int width = 560;
  int height = 520;
};

/// The gnuplot script of plot_roc_curve. Throws nabla::Error naming
/// "plot_roc_curve" for a curve with fewer than 2 points, fpr and tpr of
/// different lengths, or rates that are NaN (labels of a single class).
std::string roc_curve_script(const metrics::RocCurve& curve,
                             double auc,
                             const std::filesystem::path& path,
                             const RocPlotOptions& options = {});

/// Draws the ROC curve (`auc` is shown in the legend) into `path`.
void plot_roc_curve(const metrics::RocCurve& curve,
                    double auc,
                    const std::filesystem::path& path,
                    const RocPlotOptions& options = {});

}  // namespace nabla::plot
