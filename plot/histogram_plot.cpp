// The histogram plot: counts computed here (so a test can read them from the
// script), drawn by gnuplot as boxes.
#include "plot/histogram_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {

std::vector<std::int64_t> histogram_counts(const std::vector<double>& values,
                                           std::int64_t bins,
                                           double low,
                                           double high) {
  NABLA_CHECK(bins >= 1 && bins <= 100000, "histogram_counts", "bins ", bins,
              " is outside [1, 100000]");
  NABLA_CHECK(std::isfinite(low) && std::isfinite(high) && low < high, "histogram_counts",
              "the range [", low, ", ", high, "] must be finite with low < high");
  std::vector<std::int64_t> counts(static_cast<std::size_t>(bins), 0);
  const double width = (high - low) / static_cast<double>(bins);
  for (double v : values) {
    if (!(v >= low && v <= high)) continue;  // also skips NaN
    auto k = static_cast<std::int64_t>(std::floor((v - low) / width));
    ++counts[static_cast<std::size_t>(std::clamp<std::int64_t>(k, 0, bins - 1))];
  }
  return counts;
}

std::string histogram_script(const std::vector<Sample>& samples,
                             const std::filesystem::path& path,
                             const HistogramPlotOptions& options) {
  constexpr const char* op = "plot_histograms";
  NABLA_CHECK(!samples.empty(), op, "no sample to draw");
  NABLA_CHECK(options.columns >= 0, op, "columns ", options.columns, " is negative");
  double low = options.low;
  double high = options.high;
  if (low == 0.0 && high == 0.0) {
    low = std::numeric_limits<double>::infinity();
    high = -low;
    for (const Sample& sample : samples) {
      for (double v : sample.values) {
        if (!std::isfinite(v)) continue;
        low = std::min(low, v);
        high = std::max(high, v);
      }
    }
    for (const Sample& sample : samples)
      NABLA_CHECK(std::any_of(sample.values.begin(), sample.values.end(),
                              [](double v) { return std::isfinite(v); }),
                  op, "sample '", sample.name, "' has no finite value");
    if (low == high) {
      low -= 0.5;
      high += 0.5;
    }
  }
  const int count = static_cast<int>(samples.size());
  const int columns = options.columns > 0 ? std::min(options.columns, count) : (count == 1 ? 1 : 2);
  const int rows = (count + columns - 1) / columns;
  std::string s = gnuplot_output(path, options.width > 0 ? options.width : 480 * columns,
                                 options.height > 0 ? options.height : 360 * rows, op);
  const double width = (high - low) / static_cast<double>(options.bins);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::vector<std::int64_t> counts =
        histogram_counts(samples[i].values, options.bins, low, high);
    s += "$h" + std::to_string(i) + " << EOD\n";
    for (std::size_t k = 0; k < counts.size(); ++k) {
      const double centre = low + (static_cast<double>(k) + 0.5) * width;
      // An empty bin cannot be drawn on a log axis: leave it out.
      const double c = options.log_y && counts[k] == 0 ? NAN : static_cast<double>(counts[k]);
      s += gnuplot_number(centre) + " " + gnuplot_number(c) + "\n";
    }
    s += "EOD\n";
  }
  s += "set multiplot layout " + std::to_string(rows) + "," + std::to_string(columns);
  if (!options.title.empty()) s += " title " + gnuplot_quote(options.title, op);
  s += "\nset grid\nunset key\nset style fill solid 0.6 border -1\n";
  s += "set boxwidth " + gnuplot_number(width) + "\n";
  s += "set xrange [" + gnuplot_number(low) + ":" + gnuplot_number(high) + "]\n";
  s += "set xlabel " + gnuplot_quote(options.x_label, op) + "\nset ylabel 'count'\n";
  s += options.log_y ? "set logscale y\n" : "set yrange [0:*]\n";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    s += gnuplot_title(samples[i].name, op);
    s += "plot $h" + std::to_string(i) + " using 1:2 with boxes lc rgb '#4477aa'\n";
  }
  s += "unset multiplot\n";
  return s;
}

void plot_histograms(const std::vector<Sample>& samples,
                     const std::filesystem::path& path,
                     const HistogramPlotOptions& options) {
  render_gnuplot(histogram_script(samples, path, options), path, "plot_histograms");
}

}  // namespace nabla::plot
