// The input weights of a first layer's hidden units, each shown as a small
// image, tiled into a grid.
//
//   plot::plot_weight_grid(fc1->weight.value(), "runs/weights.png", {.count = 64});
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

#include "tensor/tensor.h"

namespace nabla::plot {

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

}  // namespace nabla::plot
