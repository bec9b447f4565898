// The line plot: each series as an inline datablock, one plot per panel.
#include "plot/line_plot.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {

std::string line_plot_script(const std::vector<LinePanel>& panels,
                             const std::filesystem::path& path,
                             const LinePlotOptions& options) {
  constexpr const char* op = "plot_lines";
  NABLA_CHECK(!panels.empty(), op, "no panel to draw");
  NABLA_CHECK(options.columns >= 0, op, "columns ", options.columns, " is negative");
  for (std::size_t p = 0; p < panels.size(); ++p) {
    NABLA_CHECK(!panels[p].series.empty(), op, "panel ", p, " ('", panels[p].title,
                "') has no series");
    for (const Series& series : panels[p].series) {
      NABLA_CHECK(series.x.size() == series.y.size(), op, "series '", series.name, "' has ",
                  series.x.size(), " x values but ", series.y.size(), " y values");
      NABLA_CHECK(!series.x.empty(), op, "series '", series.name, "' has no point");
    }
  }
  const int count = static_cast<int>(panels.size());
  const int columns = options.columns > 0 ? std::min(options.columns, count) : (count == 1 ? 1 : 2);
  const int rows = (count + columns - 1) / columns;
  const int width = options.width > 0 ? options.width : 560 * columns;
  const int height = options.height > 0 ? options.height : 400 * rows;
  std::string s = gnuplot_output(path, width, height, op);

  for (std::size_t p = 0; p < panels.size(); ++p) {
    const LinePanel& panel = panels[p];
    for (std::size_t i = 0; i < panel.series.size(); ++i) {
      const Series& series = panel.series[i];
      s += "$s" + std::to_string(p) + "_" + std::to_string(i) + " << EOD\n";
      for (std::size_t k = 0; k < series.x.size(); ++k) {
        const double x = series.x[k];
        double y = series.y[k];
        // A value a log axis cannot show becomes a gap, not a gnuplot error.
        if ((panel.log_y && !(y > 0)) || (panel.log_x && !(x > 0))) y = NAN;
        s += gnuplot_number(x) + " " + gnuplot_number(y) + "\n";
      }
      s += "EOD\n";
    }
  }

  s += "set multiplot layout " + std::to_string(rows) + "," + std::to_string(columns);
  if (!options.title.empty()) s += " title " + gnuplot_quote(options.title, op);
  s += "\nset grid\n";
  switch (options.legend) {
    case Legend::top_right:
      s += "set key top right\n";
      break;
    case Legend::bottom_left:
      s += "set key bottom left\n";
      break;
    case Legend::outside_right:
      s += "set key outside right top\n";
      break;
    case Legend::none:
      s += "unset key\n";
      break;
  }
  const std::string style = options.points ? "linespoints lw 2 pt 7 ps 0.6" : "lines lw 2";
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const LinePanel& panel = panels[p];
    s += gnuplot_title(panel.title, op);
    s += "set xlabel " + gnuplot_quote(panel.x_label, op) + "\n";
    s += "set ylabel " + gnuplot_quote(panel.y_label, op) + "\n";
    s += panel.log_x ? "set logscale x\n" : "unset logscale x\n";
    s += panel.log_y ? "set logscale y\n" : "unset logscale y\n";
    s += "plot ";
    for (std::size_t i = 0; i < panel.series.size(); ++i) {
      if (i > 0) s += ", ";
      s += "$s" + std::to_string(p) + "_" + std::to_string(i) + " using 1:2 with " + style +
           " title " + gnuplot_quote(panel.series[i].name, op);
    }
    s += "\n";
  }
  s += "unset multiplot\n";
  return s;
}

void plot_lines(const std::vector<LinePanel>& panels,
                const std::filesystem::path& path,
                const LinePlotOptions& options) {
  render_gnuplot(line_plot_script(panels, path, options), path, "plot_lines");
}

}  // namespace nabla::plot
