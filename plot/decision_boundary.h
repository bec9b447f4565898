// The decision regions of a model on 2-D inputs, with the data points
// coloured by label.
//
//   plot::plot_decision_boundary(model, spirals, "runs/boundary.png", {.resolution = 300});
//
// The figure is rendered by gnuplot (plot/gnuplot.h) to PNG or SVG as the
// output path's extension says; the *_script function returns the gnuplot
// script that the plot_* function runs. Both throw nabla::Error, naming
// themselves, for a path whose extension is neither .png nor .svg, a missing
// output directory, inputs of the wrong shape or dtype, a missing gnuplot
// (saying to install gnuplot-nox) and a gnuplot failure (with gnuplot's
// message; no output file is left).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace nabla::nn {
class Module;
}

namespace nabla::plot {

struct DecisionBoundaryOptions {
  /// Grid points per axis, in [2, 1000].
  std::int64_t resolution = 200;
  /// Space added on each side of the data, as a fraction of its range on
  /// that axis (a range of 0 counts as 1).
  double margin = 0.1;
  /// Models with one output: class 1 where the output is > threshold (0.5
  /// for a sigmoid output; use 0 for a logit).
  double threshold = 0.5;
  /// Legend names of the classes; empty: "class 0", "class 1", ...
  std::vector<std::string> class_names = {};
  std::string title = "Decision boundary";
  int width = 640;
  int height = 560;
};

/// The gnuplot script of plot_decision_boundary. The model is evaluated in
/// eval mode without recording a graph (its mode is restored afterwards) on
/// the grid x_i = x_lo + i·(x_hi − x_lo)/(r − 1), y_j likewise, i, j in [0, r)
/// with r = resolution and [x_lo, x_hi] = [min x − margin·range, max x +
/// margin·range]; the predicted class of a point is the argmax of the
/// model's outputs [m, k] (k >= 2), or output > threshold for outputs [m, 1]
/// or [m]; -1 where the outputs hold a NaN (drawn white). Datablock $grid
/// holds "x y class" lines, x varying fastest, and $points holds "x y label"
/// for every sample. Colours repeat after 10 classes. Throws nabla::Error for inputs
/// that are not 2-D points (sample shape [2]), targets that are not i64
/// labels [n] >= 0, an empty dataset, a resolution outside [2, 1000], a
/// negative or non-finite margin, fewer class names than classes, or model
/// outputs of another shape.
std::string decision_boundary_script(nn::Module& model,
                                     const data::Dataset& data,
                                     const std::filesystem::path& path,
                                     const DecisionBoundaryOptions& options = {});
/// Draws the class regions predicted by `model` over the plane of `data`'s
/// two input features, with the samples as points coloured by label.
void plot_decision_boundary(nn::Module& model,
                            const data::Dataset& data,
                            const std::filesystem::path& path,
                            const DecisionBoundaryOptions& options = {});

}  // namespace nabla::plot
