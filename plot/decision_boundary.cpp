// The decision-boundary plot: the model's predicted class on a grid over
// the data's plane, as a gnuplot script with the grid and points inline.
#include "plot/decision_boundary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <string_view>

#include "autograd/grad_mode.h"
#include "autograd/variable.h"
#include "nn/mode_guard.h"
#include "nn/module.h"
#include "plot/gnuplot.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/shape.h"

namespace nabla::plot {
namespace {

// Tableau 10: saturated colours for points and curves, and the same hues
// mixed 60% with white for the decision regions, so points stand out on
// the region of their own class.
constexpr int kClassColours[10][3] = {
    {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

int lighten(int channel) {
  return static_cast<int>(std::lround(channel + 0.6 * (255 - channel)));
}

std::string hex_colour(const int rgb[3]) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buffer;
}

// Predicted classes of the rows of `points` [m, 2] (f64 values, row-major);
// -1 where the outputs are NaN (no class to colour).
std::vector<std::int64_t> predict_grid(nn::Module& model,
                                       const std::vector<double>& points,
                                       double threshold,
                                       std::string_view op) {
  const std::int64_t m = static_cast<std::int64_t>(points.size() / 2);
  // Chunks bound the activations held at once (a 1000 x 1000 grid through a
  // wide hidden layer would otherwise take gigabytes).
  constexpr std::int64_t kChunk = 4096;
  const DType dtype = nn::parameter_dtype(model);
  nn::TrainingModeGuard eval(model, false);
  NoGradGuard no_grad;
  std::vector<std::int64_t> classes;
  classes.reserve(static_cast<std::size_t>(m));
  for (std::int64_t begin = 0; begin < m; begin += kChunk) {
    const std::int64_t rows = std::min(kChunk, m - begin);
    std::vector<double> chunk(points.begin() + 2 * begin, points.begin() + 2 * (begin + rows));
    const Variable x(from_vector(chunk, Shape{rows, 2}).to(dtype));
    const Tensor y = model(x).value();
    const bool one_output = (y.dim() == 1 && y.size(0) == rows) ||
                            (y.dim() == 2 && y.size(0) == rows && y.size(1) == 1);
    NABLA_CHECK(one_output || (y.dim() == 2 && y.size(0) == rows), op, "the model maps ",
                Shape{rows, 2}, " inputs to outputs ", y.shape(), "; expected [", rows,
                ", k] scores or [", rows, ", 1] / [", rows, "] values");
    const std::vector<double> v = y.to_vector<double>();
    const std::int64_t k = one_output ? 1 : y.size(1);
    for (std::int64_t r = 0; r < rows; ++r) {
      const double* row = v.data() + r * k;
      if (one_output) {
        classes.push_back(std::isnan(row[0]) ? -1 : (row[0] > threshold ? 1 : 0));
        continue;
      }
      std::int64_t best = -1;
      for (std::int64_t j = 0; j < k; ++j) {
        if (std::isnan(row[j])) {
          best = -1;
          break;
        }
        if (best < 0 || row[j] > row[best]) best = j;
      }
      classes.push_back(best);
    }
  }
  return classes;
}

}  // namespace

std::string decision_boundary_script(nn::Module& model,
                                     const data::Dataset& data,
                                     const std::filesystem::path& path,
                                     const DecisionBoundaryOptions& options) {
  constexpr const char* op = "plot_decision_boundary";
  NABLA_CHECK(!data.empty(), op, "the dataset is empty");
  NABLA_CHECK(data.sample_shape() == Shape{2}, op,
              "the inputs must be 2-D points (samples of shape [2]); got samples of shape ",
              data.sample_shape());
  const Tensor& targets = data.targets();
  NABLA_CHECK(targets.dtype() == DType::i64 && targets.dim() == 1, op,
              "the targets must be i64 class labels [n]; got ", targets.dtype(), " ",
              targets.shape());
  NABLA_CHECK(options.resolution >= 2 && options.resolution <= 1000, op, "resolution ",
              options.resolution, " is outside [2, 1000]");
  NABLA_CHECK(std::isfinite(options.margin) && options.margin >= 0, op, "margin ", options.margin,
              " must be finite and >= 0");
  NABLA_CHECK(std::isfinite(options.threshold), op, "threshold ", options.threshold,
              " must be finite");

  const std::vector<double> inputs = data.inputs(DType::f64).to_vector<double>();
  const std::vector<std::int64_t> labels = targets.to_vector<std::int64_t>();
  const std::int64_t n = data.size();
  double lo[2] = {inputs[0], inputs[1]};
  double hi[2] = {inputs[0], inputs[1]};
  for (std::int64_t i = 0; i < n; ++i) {
    for (int a = 0; a < 2; ++a) {
      const double v = inputs[2 * i + a];
      NABLA_CHECK(std::isfinite(v), op, "input ", i, " has the non-finite feature ", a, " = ", v);
      lo[a] = std::min(lo[a], v);
      hi[a] = std::max(hi[a], v);
    }
    NABLA_CHECK(labels[i] >= 0, op, "label ", labels[i], " of sample ", i, " is negative");
  }
  std::set<std::int64_t> classes(labels.begin(), labels.end());
  // One legend entry and one plot clause per class: beyond this it is not a picture.
  NABLA_CHECK(classes.size() <= 100, op, "the labels hold ", classes.size(),
              " classes; at most 100 can be told apart");
  NABLA_CHECK(options.class_names.empty() ||
                  static_cast<std::int64_t>(options.class_names.size()) > *classes.rbegin(),
              op, options.class_names.size(), " class names for labels up to ", *classes.rbegin());
  for (int a = 0; a < 2; ++a) {
    const double pad = options.margin * (hi[a] > lo[a] ? hi[a] - lo[a] : 1.0);
    lo[a] -= pad;
    hi[a] += pad;
  }

  const std::int64_t r = options.resolution;
  std::vector<double> grid;
  grid.reserve(static_cast<std::size_t>(2 * r * r));
  for (std::int64_t j = 0; j < r; ++j) {
    const double y = lo[1] + static_cast<double>(j) * (hi[1] - lo[1]) / static_cast<double>(r - 1);
    for (std::int64_t i = 0; i < r; ++i) {
      grid.push_back(lo[0] + static_cast<double>(i) * (hi[0] - lo[0]) / static_cast<double>(r - 1));
      grid.push_back(y);
    }
  }
  const std::vector<std::int64_t> predicted = predict_grid(model, grid, options.threshold, op);

  std::string s = gnuplot_output(path, options.width, options.height, op);
  s += "$grid << EOD\n";
  for (std::int64_t j = 0; j < r; ++j) {
    for (std::int64_t i = 0; i < r; ++i) {
      const std::size_t p = static_cast<std::size_t>(j * r + i);
      s += gnuplot_number(grid[2 * p]) + " " + gnuplot_number(grid[2 * p + 1]) + " " +
           std::to_string(predicted[p]) + "\n";
    }
    s += "\n";  // a blank line ends each scan line of the image
  }
  s += "EOD\n$points << EOD\n";
  for (std::int64_t i = 0; i < n; ++i) {
    s += gnuplot_number(inputs[2 * i]) + " " + gnuplot_number(inputs[2 * i + 1]) + " " +
         std::to_string(labels[i]) + "\n";
  }
  s += "EOD\n";

  // Region colours by class (mod 10) as arrays, indexed from 1 in gnuplot;
  // entry 11, white, for the class -1 of NaN outputs.
  std::string red, green, blue;
  for (const auto& rgb : kClassColours) {
    for (std::string* list : {&red, &green, &blue}) {
      if (!list->empty()) *list += ',';
    }
    red += std::to_string(lighten(rgb[0]));
    green += std::to_string(lighten(rgb[1]));
    blue += std::to_string(lighten(rgb[2]));
  }
  s += "array R[11] = [" + red + ",255]\narray G[11] = [" + green + ",255]\narray B[11] = [" +
       blue + ",255]\n";
  s += gnuplot_title(options.title, op);
  s += "set xlabel 'x1'\nset ylabel 'x2'\n";
  s += "set xrange [" + gnuplot_number(lo[0]) + ":" + gnuplot_number(hi[0]) + "]\n";
  s += "set yrange [" + gnuplot_number(lo[1]) + ":" + gnuplot_number(hi[1]) + "]\n";
  s += "set key outside right top\nunset colorbox\n";
  s += "c(x) = x < 0 ? 11 : int(x) % 10 + 1\n";
  s += "plot $grid using 1:2:(R[c($3)]):(G[c($3)]):(B[c($3)]) with rgbimage notitle";
  for (const std::int64_t label : classes) {
    const std::string name = options.class_names.empty()
                                 ? "class " + std::to_string(label)
                                 : options.class_names[static_cast<std::size_t>(label)];
    s += ", \\\n  $points using 1:($3 == " + std::to_string(label) +
         " ? $2 : NaN) with points pt 7 ps 0.8 lc rgb '" + hex_colour(kClassColours[label % 10]) +
         "' title " + gnuplot_quote(name, op);
  }
  s += "\n";
  return s;
}

void plot_decision_boundary(nn::Module& model,
                            const data::Dataset& data,
                            const std::filesystem::path& path,
                            const DecisionBoundaryOptions& options) {
  render_gnuplot(decision_boundary_script(model, data, path, options), path,
                 "plot_decision_boundary");
}

}  // namespace nabla::plot
