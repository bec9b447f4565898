// The plot scripts. Data goes inline as gnuplot datablocks ($name << EOD ...
// EOD), so a script is self-contained text: tests read it without gnuplot,
// and rendering writes nothing but the image.
#include "train/plot.h"

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
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/shape.h"
#include "train/gnuplot.h"

namespace nabla::train {
namespace {

constexpr std::string_view kValPrefix = "val_";

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

// Four significant digits for pixel values: the eye cannot tell more apart,
// and a 784 x 256 weight grid stays a few megabytes of text.
std::string short_number(double value) {
  if (!std::isfinite(value)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// True when the last finite value of `values` exceeds the first.
bool rises(const std::vector<double>& values) {
  const auto finite = [](double v) { return !std::isnan(v); };
  const auto first = std::find_if(values.begin(), values.end(), finite);
  const auto last = std::find_if(values.rbegin(), values.rend(), finite);
  return first != values.end() && *last > *first;
}

std::string title_line(const std::string& title, std::string_view op) {
  return title.empty() ? "unset title\n" : "set title " + gnuplot_quote(title, op) + "\n";
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

// ---- Training curves ----

std::string history_script(const History& history,
                           const std::filesystem::path& path,
                           const HistoryPlotOptions& options) {
  constexpr const char* op = "plot_history";
  NABLA_CHECK(!history.empty(), op, "the History has no epoch to plot");
  const std::vector<std::string> all_keys = history.keys();
  std::vector<std::string> keys;
  for (const std::string& key : options.keys.empty() ? all_keys : options.keys) {
    NABLA_CHECK(history.contains(key), op, "unknown key '", key, "'; the History has ",
                joined(all_keys));
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }

  // Panels by metric, in order of first appearance; the training series before "val_".
  struct Panel {
    std::string metric;
    std::vector<std::string> keys;
  };
  std::vector<Panel> panels;
  for (const std::string& key : keys) {
    const bool val = key.starts_with(kValPrefix) && key.size() > kValPrefix.size();
    const std::string metric = val ? key.substr(kValPrefix.size()) : key;
    auto panel = std::find_if(panels.begin(), panels.end(),
                              [&](const Panel& p) { return p.metric == metric; });
    if (panel == panels.end()) {
      panels.push_back({metric, {}});
      panel = panels.end() - 1;
    }
    if (val) {
      panel->keys.push_back(key);
    } else {
      panel->keys.insert(panel->keys.begin(), key);
    }
  }

  // Columns of the datablock: epoch, then the series panel by panel. Keys
  // chosen by the caller must be drawable; among all keys, those without a
  // single drawable value (a metric undefined in every epoch) are left out.
  const char* what = options.log_y ? "finite, positive" : "finite";
  std::vector<std::string> columns;
  std::vector<std::vector<double>> series;
  for (Panel& panel : panels) {
    bool drawable = false;
    std::vector<std::string> kept;
    for (const std::string& key : panel.keys) {
      std::vector<double> values = history[key];
      bool key_drawable = false;
      for (double& v : values) {
        if (!std::isfinite(v) || (options.log_y && v <= 0)) {
          v = std::numeric_limits<double>::quiet_NaN();
        }
        key_drawable = key_drawable || !std::isnan(v);
      }
      drawable = drawable || key_drawable;
      if (!key_drawable && options.keys.empty()) continue;
      kept.push_back(key);
      columns.push_back(key);
      series.push_back(std::move(values));
    }
    NABLA_CHECK(drawable || options.keys.empty(), op, "no ", what, " value to plot for ",
                joined(panel.keys));
    panel.keys = std::move(kept);
  }
  std::erase_if(panels, [](const Panel& p) { return p.keys.empty(); });
  NABLA_CHECK(!panels.empty(), op, "no ", what, " value to plot in any of ", joined(keys));

  const int panel_columns = panels.size() == 1 ? 1 : 2;
  const int panel_rows = static_cast<int>((panels.size() + panel_columns - 1) / panel_columns);
  const int width = options.width > 0 ? options.width : 560 * panel_columns;
  const int height = options.height > 0 ? options.height : 400 * panel_rows;
  std::string s = gnuplot_output(path, width, height, op);

  s += "$history << EOD\n# epoch";
  for (const std::string& c : columns) s += " " + c;
  s += "\n";
  const std::vector<std::int64_t>& epochs = history.epochs();
  for (std::size_t e = 0; e < epochs.size(); ++e) {
    s += std::to_string(epochs[e] + 1);
    for (const std::vector<double>& values : series) {
      s += ' ';
      s += gnuplot_number(values[e]);
    }
    s += "\n";
  }
  s += "EOD\n";

  s += "set multiplot layout " + std::to_string(panel_rows) + "," + std::to_string(panel_columns);
  if (!options.title.empty()) s += " title " + gnuplot_quote(options.title, op);
  s += "\nset grid\nset xlabel 'epoch'\n";
  // Integer epochs: one tic per epoch while they fit, gnuplot's choice after.
  if (history.size() <= 15) s += "set xtics 1\n";
  if (options.log_y) s += "set logscale y\n";
  std::size_t column = 2;  // gnuplot counts columns from 1; the epoch is 1
  for (const Panel& panel : panels) {
    s += "set title " + gnuplot_quote(panel.metric, op) + "\n";
    // The legend goes where the curves are not: below them when the first
    // series ends higher than it starts (an accuracy), above them otherwise (a loss).
    s += rises(series[column - 2]) ? "set key bottom right\n" : "set key top right\n";
    s += "set ylabel " + gnuplot_quote(panel.metric, op) + "\n";
    s += "plot ";
    for (std::size_t i = 0; i < panel.keys.size(); ++i, ++column) {
      if (i > 0) s += ", ";
      s += "$history using 1:" + std::to_string(column) +
           " with linespoints lw 2 pt 7 ps 0.6 title " + gnuplot_quote(panel.keys[i], op);
    }
    s += "\n";
  }
  s += "unset multiplot\n";
  return s;
}

void plot_history(const History& history,
                  const std::filesystem::path& path,
                  const HistoryPlotOptions& options) {
  render_gnuplot(history_script(history, path, options), path, "plot_history");
}

// ---- Decision boundary ----

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
  s += title_line(options.title, op);
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

// ---- Confusion matrix ----

std::string confusion_matrix_script(const Tensor& cm,
                                    const std::vector<std::string>& class_names,
                                    const std::filesystem::path& path,
                                    const ConfusionMatrixPlotOptions& options) {
  constexpr const char* op = "plot_confusion_matrix";
  NABLA_CHECK(cm.defined(), op, "the confusion matrix is undefined");
  NABLA_CHECK(cm.dtype() == DType::i64, op, "the confusion matrix must hold i64 counts; got ",
              cm.dtype());
  NABLA_CHECK(cm.dim() == 2 && cm.size(0) == cm.size(1) && cm.size(0) >= 1, op,
              "the confusion matrix must be square [k, k] with k >= 1; got ", cm.shape());
  const std::int64_t k = cm.size(0);
  NABLA_CHECK(class_names.empty() || static_cast<std::int64_t>(class_names.size()) == k, op,
              class_names.size(), " class names for a ", cm.shape(), " confusion matrix");
  const std::vector<std::int64_t> counts = cm.to_vector<std::int64_t>();
  for (std::int64_t i = 0; i < k * k; ++i) {
    NABLA_CHECK(counts[i] >= 0, op, "negative count ", counts[i], " at [", i / k, ", ", i % k, "]");
  }

  std::vector<double> values(counts.size());
  double max_value = 0;
  for (std::int64_t i = 0; i < k; ++i) {
    double row_sum = 0;
    for (std::int64_t j = 0; j < k; ++j) row_sum += static_cast<double>(counts[i * k + j]);
    for (std::int64_t j = 0; j < k; ++j) {
      const double count = static_cast<double>(counts[i * k + j]);
      double& v = values[i * k + j];
      v = !options.normalize ? count : (row_sum > 0 ? count / row_sum : 0.0);
      max_value = std::max(max_value, v);
    }
  }
  // Fractions keep the scale [0, 1] so that plots of two runs compare; an
  // all-zero matrix still needs a colour range.
  if (options.normalize || max_value == 0) max_value = 1;

  std::string s = gnuplot_output(path, options.width, options.height, op);
  s += "$cm << EOD\n# predicted true value count\n";
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) {
      s += std::to_string(j) + " " + std::to_string(i) + " " + gnuplot_number(values[i * k + j]) +
           " " + std::to_string(counts[i * k + j]) + "\n";
    }
  }
  s += "EOD\n";
  std::string tics;
  bool long_names = false;
  for (std::int64_t i = 0; i < k; ++i) {
    const std::string name =
        class_names.empty() ? std::to_string(i) : class_names[static_cast<std::size_t>(i)];
    long_names = long_names || name.size() > 3;
    if (i > 0) tics += ", ";
    tics += gnuplot_quote(name, op);
    tics += ' ';
    tics += std::to_string(i);
  }
  s += title_line(options.title, op);
  s += "set xlabel 'predicted'\nset ylabel 'true'\n";
  const std::string end = gnuplot_number(static_cast<double>(k) - 0.5);
  s += "set xrange [-0.5:" + end + "]\n";
  s += "set yrange [" + end + ":-0.5]\n";  // row 0 on top
  s += "set xtics (" + tics + ")" + (long_names ? " rotate by -45" : "") + "\n";
  s += "set ytics (" + tics + ")\nset tics scale 0\nset size square\n";
  s += "set palette defined (0 '#f7fbff', 1 '#08306b')\n";
  s += "set cbrange [0:" + gnuplot_number(max_value) + "]\n";
  s += "M = " + gnuplot_number(max_value) + "\n";
  // White text on the dark half of the scale, black on the light half.
  const std::string label = options.normalize ? "sprintf('%.2f', $3)" : "sprintf('%d', int($4))";
  s += "plot $cm using 1:2:3 with image notitle, \\\n  $cm using 1:2:(" + label +
       "):($3 > M / 2 ? 0xffffff : 0) with labels tc rgb variable notitle\n";
  return s;
}

void plot_confusion_matrix(const Tensor& cm,
                           const std::vector<std::string>& class_names,
                           const std::filesystem::path& path,
                           const ConfusionMatrixPlotOptions& options) {
  render_gnuplot(confusion_matrix_script(cm, class_names, path, options), path,
                 "plot_confusion_matrix");
}

// ---- First-layer weights ----

std::string weight_grid_script(const Tensor& weight,
                               const std::filesystem::path& path,
                               const WeightGridOptions& options) {
  constexpr const char* op = "plot_weight_grid";
  NABLA_CHECK(weight.defined() && is_floating(weight.dtype()) && weight.dim() == 2, op,
              "the weight must be a floating [in_features, out_features] tensor; got ",
              weight.defined() ? to_string(weight.shape()) : std::string("undefined"));
  const std::int64_t h = options.image_height;
  const std::int64_t w = options.image_width;
  NABLA_CHECK(h >= 1 && w >= 1 && h <= 4096 && w <= 4096, op, "image size ", h, "x", w,
              " is outside [1, 4096]");
  const std::int64_t in = weight.size(0);
  const std::int64_t out = weight.size(1);
  NABLA_CHECK(in == h * w, op, "the weight ", weight.shape(), " has ", in,
              " input features, but images of ", h, "x", w, " have ", h * w);
  NABLA_CHECK(options.count >= 0 && options.count <= out, op, "count ", options.count,
              " is outside [0, ", out, "] (the weight has ", out, " units)");
  NABLA_CHECK(options.columns >= 0, op, "columns ", options.columns, " is negative");
  const std::int64_t count = options.count > 0 ? options.count : out;
  NABLA_CHECK(count >= 1, op, "the weight ", weight.shape(), " has no unit to draw");
  std::int64_t columns = options.columns;
  if (columns == 0) {
    columns = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(count))));
  }
  columns = std::min(columns, count);
  const std::int64_t rows = (count + columns - 1) / columns;
  const std::int64_t mosaic_w = columns * w + columns - 1;
  const std::int64_t mosaic_h = rows * h + rows - 1;

  // Weight [in, out] row-major: unit u's pixel p is at p·out + u.
  const std::vector<double> v = weight.to_vector<double>();
  std::vector<double> mosaic(static_cast<std::size_t>(mosaic_w * mosaic_h),
                             std::numeric_limits<double>::quiet_NaN());
  for (std::int64_t u = 0; u < count; ++u) {
    double scale = 0;
    for (std::int64_t p = 0; p < in; ++p) scale = std::max(scale, std::abs(v[p * out + u]));
    const std::int64_t top = (u / columns) * (h + 1);
    const std::int64_t left = (u % columns) * (w + 1);
    for (std::int64_t p = 0; p < in; ++p) {
      const double x = v[p * out + u];
      mosaic[(top + p / w) * mosaic_w + left + p % w] = scale > 0 ? x / scale : 0.0;
    }
  }

  std::string s = gnuplot_output(path, options.width, options.height, op);
  s += "$weights << EOD\n";
  for (std::int64_t y = 0; y < mosaic_h; ++y) {
    for (std::int64_t x = 0; x < mosaic_w; ++x) {
      if (x > 0) s += ' ';
      s += short_number(mosaic[y * mosaic_w + x]);
    }
    s += '\n';
  }
  s += "EOD\n";
  s += title_line(options.title, op);
  s += "unset key\nunset tics\nunset border\nset size ratio -1\n";
  s += "set xrange [-0.5:" + gnuplot_number(static_cast<double>(mosaic_w) - 0.5) + "]\n";
  s += "set yrange [" + gnuplot_number(static_cast<double>(mosaic_h) - 0.5) + ":-0.5]\n";
  // Gaps (NaN pixels) are not drawn, so this grey background shows between images.
  s += "set object 1 rectangle from graph 0,0 to graph 1,1 behind fc rgb '#808080' "
       "fs solid noborder\n";
  s += "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\n";
  s += "set cbrange [-1:1]\nset cbtics 0.5\nset cblabel 'w / max|w| of the unit'\n";
  s += "plot $weights matrix with image notitle\n";
  return s;
}

void plot_weight_grid(const Tensor& weight,
                      const std::filesystem::path& path,
                      const WeightGridOptions& options) {
  render_gnuplot(weight_grid_script(weight, path, options), path, "plot_weight_grid");
}

}  // namespace nabla::train
