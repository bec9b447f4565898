// The contour plot: f sampled here on a grid, contour lines traced by gnuplot
// into a table, then plotted in 2-D with the paths on top (a 3-D "view map"
// plot cannot draw ordinary 2-D lines over the contours).
#include "plot/contour_plot.h"

#include <algorithm>
#include <cmath>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {

std::string contour_script(const std::function<double(double, double)>& f,
                           const std::vector<Curve>& paths,
                           const std::filesystem::path& path,
                           const ContourPlotOptions& options) {
  constexpr const char* op = "plot_contour";
  NABLA_CHECK(static_cast<bool>(f), op, "the function is empty");
  const ContourPlotOptions& o = options;
  NABLA_CHECK(std::isfinite(o.x_min) && std::isfinite(o.x_max) && o.x_min < o.x_max &&
                  std::isfinite(o.y_min) && std::isfinite(o.y_max) && o.y_min < o.y_max,
              op, "the rectangle [", o.x_min, ", ", o.x_max, "] x [", o.y_min, ", ", o.y_max,
              "] must be finite with min < max");
  NABLA_CHECK(o.resolution >= 2 && o.resolution <= 1000, op, "resolution ", o.resolution,
              " is outside [2, 1000]");
  NABLA_CHECK(!o.levels.empty() || (o.level_count >= 1 && o.level_count <= 100), op, "level_count ",
              o.level_count, " is outside [1, 100]");
  for (double level : o.levels)
    NABLA_CHECK(std::isfinite(level), op, "level ", level, " is not finite");
  for (const Curve& p : paths) {
    NABLA_CHECK(p.x.size() == p.y.size(), op, "path '", p.name, "' has ", p.x.size(),
                " x values but ", p.y.size(), " y values");
    NABLA_CHECK(!p.x.empty(), op, "path '", p.name, "' has no point");
  }

  std::string s = gnuplot_output(path, o.width, o.height, op);
  const std::int64_t r = o.resolution;
  s += "$grid << EOD\n";
  for (std::int64_t j = 0; j < r; ++j) {
    const double y = o.y_min + static_cast<double>(j) * (o.y_max - o.y_min) / (r - 1);
    for (std::int64_t i = 0; i < r; ++i) {
      const double x = o.x_min + static_cast<double>(i) * (o.x_max - o.x_min) / (r - 1);
      s += gnuplot_number(x) + " " + gnuplot_number(y) + " " + gnuplot_number(f(x, y)) + "\n";
    }
    s += "\n";
  }
  s += "EOD\n";
  for (std::size_t i = 0; i < paths.size(); ++i) {
    s += "$path" + std::to_string(i) + " << EOD\n";
    for (std::size_t k = 0; k < paths[i].x.size(); ++k)
      s += gnuplot_number(paths[i].x[k]) + " " + gnuplot_number(paths[i].y[k]) + "\n";
    s += "EOD\n";
  }

  s += "set contour base\nunset surface\nset view map\n";
  if (o.levels.empty()) {
    s += "set cntrparam levels auto " + std::to_string(o.level_count) + "\n";
  } else {
    std::vector<double> levels = o.levels;
    std::sort(levels.begin(), levels.end());
    s += "set cntrparam levels discrete ";
    for (std::size_t i = 0; i < levels.size(); ++i)
      s += (i > 0 ? "," : "") + gnuplot_number(levels[i]);
    s += "\n";
  }
  s += "set table $contours\nsplot $grid using 1:2:3 with lines\nunset table\n";
  s += "unset contour\nset surface\n";
  s += gnuplot_title(o.title, op);
  s += "set xlabel " + gnuplot_quote(o.x_label, op) + "\n";
  s += "set ylabel " + gnuplot_quote(o.y_label, op) + "\n";
  s += "set xrange [" + gnuplot_number(o.x_min) + ":" + gnuplot_number(o.x_max) + "]\n";
  s += "set yrange [" + gnuplot_number(o.y_min) + ":" + gnuplot_number(o.y_max) + "]\n";
  s += "set key outside right top\n";
  s += "plot $contours using 1:2 with lines lc rgb '#b0b0b0' notitle";
  const std::string style = o.points ? "linespoints lw 2 pt 7 ps 0.5" : "lines lw 2";
  for (std::size_t i = 0; i < paths.size(); ++i)
    s += ", $path" + std::to_string(i) + " using 1:2 with " + style + " title " +
         gnuplot_quote(paths[i].name, op);
  s += "\n";
  return s;
}

void plot_contour(const std::function<double(double, double)>& f,
                  const std::vector<Curve>& paths,
                  const std::filesystem::path& path,
                  const ContourPlotOptions& options) {
  render_gnuplot(contour_script(f, paths, path, options), path, "plot_contour");
}

}  // namespace nabla::plot
