// A confusion matrix as a heat map, true class down and predicted class
// across, with the counts (or the row fractions) in the cells.
//
//   plot::plot_confusion_matrix(cm, class_names, "runs/confusion.svg", {.normalize = true});
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

#include "tensor/tensor.h"

namespace nabla::plot {

struct ConfusionMatrixPlotOptions {
  /// Show each row divided by its sum (the recall of each true class; an
  /// empty row stays 0) with two decimals instead of the counts, on a colour
  /// scale from 0 to 1 (counts: from 0 to the largest count).
  bool normalize = false;
  std::string title = "Confusion matrix";
  int width = 640;
  int height = 560;
};

/// The gnuplot script of plot_confusion_matrix. `cm` [k, k] i64 counts
/// samples of true class i (row) predicted as class j (column). Datablock
/// $cm holds one line "j i value count" per cell (value = count, or
/// count / row sum when normalizing). Throws nabla::Error when cm is not a
/// square i64 matrix with k >= 1, holds a negative count, or when
/// class_names is neither empty (names "0", "1", ...) nor of size k.
std::string confusion_matrix_script(const Tensor& cm,
                                    const std::vector<std::string>& class_names,
                                    const std::filesystem::path& path,
                                    const ConfusionMatrixPlotOptions& options = {});
/// Draws `cm` as a heat map (true class down, predicted class across) with
/// the values written in the cells.
void plot_confusion_matrix(const Tensor& cm,
                           const std::vector<std::string>& class_names,
                           const std::filesystem::path& path,
                           const ConfusionMatrixPlotOptions& options = {});

}  // namespace nabla::plot
