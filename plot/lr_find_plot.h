// The learning-rate range test's curve (train/lr_find.h): the loss of each
// batch and its smoothed value against the learning rate on a logarithmic
// axis, with the suggested learning rate marked.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nabla::plot {

struct LrFindPlotOptions {
  std::string title = "learning-rate range test";
  /// Marked with a dashed line labelled "suggested"; 0 marks nothing.
  double suggested_lr = 0;
  int width = 640;
  int height = 480;
};

/// The gnuplot script of plot_lr_find: the raw losses as points, the smoothed
/// losses as a line, loss against lr with lr on a log axis. The y range runs
/// from a little below the lowest smoothed loss to the first one plus twice
/// the fall, so that the divergence at the end does not flatten the rest. Throws nabla::Error
/// naming "plot_lr_find" for vectors of different lengths or fewer than 2 points, and as
/// curve_plot_script.
std::string lr_find_script(const std::vector<double>& lrs,
                           const std::vector<double>& losses,
                           const std::vector<double>& smoothed,
                           const std::filesystem::path& path,
                           const LrFindPlotOptions& options = {});

/// Draws the loss against the learning rate into `path`.
void plot_lr_find(const std::vector<double>& lrs,
                  const std::vector<double>& losses,
                  const std::vector<double>& smoothed,
                  const std::filesystem::path& path,
                  const LrFindPlotOptions& options = {});

}  // namespace nabla::plot
