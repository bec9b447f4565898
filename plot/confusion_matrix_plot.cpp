// The confusion-matrix heat map as a gnuplot script with the cells inline.
#include "plot/confusion_matrix_plot.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {

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
  s += gnuplot_title(options.title, op);
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

}  // namespace nabla::plot
