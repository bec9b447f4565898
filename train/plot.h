// Plots of a training run, rendered by gnuplot (train/gnuplot.h) to PNG or
// SVG as the output path's extension says: training curves from a History, the
// decision regions of a model on 2-D inputs with the data points, a confusion
// matrix heat map, and the first layer's weights shown as small images.
//
//   train::plot_history(history, "runs/history.png");
//   train::plot_confusion_matrix(cm, class_names, "runs/confusion.svg", {.normalize = true});
//   train::plot_weight_grid(fc1->weight.value(), "runs/weights.png", {.count = 64});
//
// Each plot_* function has a *_script twin returning the gnuplot script it
// runs (data inline as datablocks, so rendering leaves no temporary file).
// Every function throws nabla::Error, naming itself, for a path whose
// extension is neither .png nor .svg, a missing output directory, inputs of
// the wrong shape or dtype, a missing gnuplot (saying to install gnuplot-nox)
// and a gnuplot failure (with gnuplot's message; no output file is left).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "tensor/tensor.h"
#include "train/history.h"

namespace nabla::nn {
class Module;
}

namespace nabla::train {

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
std::string history_script(const History& history,
                           const std::filesystem::path& path,
                           const HistoryPlotOptions& options = {});
/// Draws the training curves of `history` against the epoch into `path`.
void plot_history(const History& history,
                  const std::filesystem::path& path,
                  const HistoryPlotOptions& options = {});

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

struct WeightGridOptions {
  /// The shape of one input image: in_features = image_height·image_width.
  std::int64_t image_height = 28;
  std::int64_t image_width = 28;
  /// The first `count` hidden units; 0: every unit.
  std::int64_t count = 0;
  /// Images per row; 0: ceil(sqrt(count)).
  std::int64_t columns = 0;
  std::string title = "First-layer weights";
  int width = 800;
  int height = 800;
};

/// The gnuplot script of plot_weight_grid. Unit u's image is column u of
/// `weight` [in_features, out_features] (a Linear weight: y = x·W + b),
/// reshaped row-major to [image_height, image_width] and divided by its own
/// max |w| (an all-zero column stays 0), so every image spans [-1, 1] with 0
/// in the middle of the colour scale. The images are tiled left to right, top
/// to bottom, one pixel apart, into the matrix datablock $weights (one text
/// line per pixel row, NaN in the gaps). Throws nabla::Error when weight is
/// not a floating 2-D tensor, when in_features != image_height·image_width,
/// or when count or columns is negative or count > out_features.
std::string weight_grid_script(const Tensor& weight,
                               const std::filesystem::path& path,
                               const WeightGridOptions& options = {});
/// Draws the input weights of the first hidden units as a grid of images.
void plot_weight_grid(const Tensor& weight,
                      const std::filesystem::path& path,
                      const WeightGridOptions& options = {});

}  // namespace nabla::train
