#include "plot/curve_plot.h"

#include <cctype>
#include <cmath>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {
namespace {

constexpr const char* kOp = "plot_curves";

bool drawable(double v, bool log_axis) {
  return std::isfinite(v) && (!log_axis || v > 0);
}

std::string range(double lo, double hi) {
  std::string out = "[";
  out.append(gnuplot_number(lo)).append(":").append(gnuplot_number(hi)).append("]");
  return out;
}

}  // namespace

std::string curve_plot_script(const std::vector<Curve>& series,
                              const std::filesystem::path& path,
                              const CurvePlotOptions& options) {
  NABLA_CHECK(!series.empty(), kOp, "no series to plot");
  std::string s = gnuplot_output(path, options.width, options.height, kOp);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Curve& c = series[i];
    NABLA_CHECK(c.x.size() == c.y.size(), kOp, "series '", c.name, "' has ", c.x.size(),
                " x values but ", c.y.size(), " y values");
    bool any = false;
    s += "$s" + std::to_string(i) + " << EOD\n";
    for (std::size_t j = 0; j < c.x.size(); ++j) {
      const bool ok = drawable(c.x[j], options.log_x) && drawable(c.y[j], options.log_y);
      any = any || ok;
      s += ok ? gnuplot_number(c.x[j]) + " " + gnuplot_number(c.y[j]) + "\n" : "NaN NaN\n";
    }
    s += "EOD\n";
    NABLA_CHECK(any, kOp, "series '", c.name, "' has no ",
                options.log_x || options.log_y ? "finite, positive" : "finite", " point to draw");
  }
  s += gnuplot_title(options.title, kOp) + "\n";
  s += "set grid\n";
  // The key position is written into the script as it is: letters and spaces only.
  for (const char c : options.key) {
    NABLA_CHECK(std::isalpha(static_cast<unsigned char>(c)) || c == ' ', kOp,
                "key must be a position such as 'top right', got '", options.key, "'");
  }
  s += "set key " + options.key + "\n";
  if (!options.xlabel.empty()) s += "set xlabel " + gnuplot_quote(options.xlabel, kOp) + "\n";
  if (!options.ylabel.empty()) s += "set ylabel " + gnuplot_quote(options.ylabel, kOp) + "\n";
  if (options.log_x) s += "set logscale x\n";
  if (options.log_y) s += "set logscale y\n";
  if (options.x_min < options.x_max)
    s += "set xrange " + range(options.x_min, options.x_max) + "\n";
  if (options.y_min < options.y_max)
    s += "set yrange " + range(options.y_min, options.y_max) + "\n";
  if (!options.x_tics.empty()) {
    s += "set xtics (";
    for (std::size_t i = 0; i < options.x_tics.size(); ++i) {
      if (i > 0) s += ", ";
      s += gnuplot_quote(options.x_tics[i].second, kOp) + " " +
           gnuplot_number(options.x_tics[i].first);
    }
    s += ")";
    if (options.x_tics.size() > 8) s += " rotate by 45 right";
    s += "\n";
  }
  for (const auto& [x, label] : options.x_markers) {
    NABLA_CHECK(drawable(x, options.log_x), kOp, "marker '", label, "' at x = ", x,
                " is not drawable");
    s += "set arrow from " + gnuplot_number(x) + ", graph 0 to " + gnuplot_number(x) +
         ", graph 1 nohead dashtype 2 lw 1.5 lc rgb 'gray40'\n";
    s += "set label " + gnuplot_quote(label, kOp) + " at " + gnuplot_number(x) +
         ", graph 0.05 offset 0.5,0 left\n";
  }
  s += "plot ";
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i > 0) s += ", ";
    const std::string style =
        series[i].style.empty() ? "linespoints lw 2 pt 7 ps 0.5" : series[i].style + " lw 2";
    s += "$s" + std::to_string(i) + " using 1:2 with " + style + " title " +
         gnuplot_quote(series[i].name, kOp);
  }
  s += "\n";
  return s;
}

void plot_curves(const std::vector<Curve>& series,
                 const std::filesystem::path& path,
                 const CurvePlotOptions& options) {
  render_gnuplot(curve_plot_script(series, path, options), path, kOp);
}

}  // namespace nabla::plot
