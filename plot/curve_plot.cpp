// The curve plot: each curve as an inline datablock, one plot per panel of a
// multiplot layout (a layout of one panel renders as a plain plot would).
#include "plot/curve_plot.h"

#include <algorithm>
#include <cmath>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {
namespace {

constexpr const char* kOp = "plot_curves";

// Appended piece by piece: "[" + ... trips GCC 12's -Wrestrict false positive.
std::string range(double lo, double hi) {
  std::string out = "[";
  out.append(gnuplot_number(lo)).append(":").append(gnuplot_number(hi)).append("]");
  return out;
}

std::string key_line(Legend legend) {
  switch (legend) {
    case Legend::top_right:
      return "set key top right\n";
    case Legend::top_left:
      return "set key top left\n";
    case Legend::bottom_right:
      return "set key bottom right\n";
    case Legend::bottom_left:
      return "set key bottom left\n";
    case Legend::outside_right:
      return "set key outside right top\n";
    case Legend::none:
      break;
  }
  return "unset key\n";
}

std::string style_text(const Curve& c) {
  const std::string ps = gnuplot_number(c.point_size);
  switch (c.style) {
    case Style::line:
      break;
    case Style::line_points:
      return "linespoints lw 2 pt 7 ps " + ps;
    case Style::points:
      return "points pt 7 ps " + ps + " lw 2";
    case Style::dashed:
      return "lines dashtype 2 lw 2";
  }
  return "lines lw 2";
}

// Checks a curve and returns its datablock body. A finite value <= 0 on a
// logarithmic axis is a mistake of the caller (gnuplot would drop it without a
// word), not missing data as NaN is.
std::string curve_data(const Panel& panel, std::size_t p, const Curve& c) {
  NABLA_CHECK(c.x.size() == c.y.size(), kOp, "panel ", p, " ('", panel.title, "'), curve '", c.name,
              "' has ", c.x.size(), " x values but ", c.y.size(), " y values");
  NABLA_CHECK(!c.x.empty(), kOp, "panel ", p, " ('", panel.title, "'), curve '", c.name,
              "' has no point");
  NABLA_CHECK(c.point_size > 0 && std::isfinite(c.point_size), kOp, "curve '", c.name,
              "' has point size ", c.point_size, "; it must be > 0");
  std::string s;
  bool any = false;
  for (std::size_t j = 0; j < c.x.size(); ++j) {
    const double x = c.x[j], y = c.y[j];
    NABLA_CHECK(!panel.log_x || !std::isfinite(x) || x > 0, kOp, "panel ", p, " ('", panel.title,
                "'), curve '", c.name, "': x = ", x, " at point ", j,
                " cannot be drawn on a logarithmic x axis (values must be > 0)");
    NABLA_CHECK(!panel.log_y || !std::isfinite(y) || y > 0, kOp, "panel ", p, " ('", panel.title,
                "'), curve '", c.name, "': y = ", y, " at point ", j,
                " cannot be drawn on a logarithmic y axis (values must be > 0)");
    any = any || (std::isfinite(x) && std::isfinite(y));
    s += gnuplot_number(x) + " " + gnuplot_number(y) + "\n";
  }
  NABLA_CHECK(any, kOp, "panel ", p, " ('", panel.title, "'), curve '", c.name,
              "' has no finite point to draw");
  return s;
}

// The settings of one panel; after the first panel those of the one before
// are reset first (multiplot keeps them).
std::string panel_settings(const Panel& panel, std::size_t p) {
  std::string s;
  if (p > 0) s += "unset arrow\nunset label\nset xtics autofreq norotate\nset autoscale\n";
  s += gnuplot_title(panel.title, kOp);
  s += key_line(panel.legend);
  s += panel.x_label.empty() ? "unset xlabel\n"
                             : "set xlabel " + gnuplot_quote(panel.x_label, kOp) + "\n";
  s += panel.y_label.empty() ? "unset ylabel\n"
                             : "set ylabel " + gnuplot_quote(panel.y_label, kOp) + "\n";
  s += panel.log_x ? "set logscale x\n" : "unset logscale x\n";
  s += panel.log_y ? "set logscale y\n" : "unset logscale y\n";
  if (panel.x_min < panel.x_max) s += "set xrange " + range(panel.x_min, panel.x_max) + "\n";
  if (panel.y_min < panel.y_max) s += "set yrange " + range(panel.y_min, panel.y_max) + "\n";
  if (!panel.x_tics.empty()) {
    s += "set xtics (";
    for (std::size_t i = 0; i < panel.x_tics.size(); ++i) {
      if (i > 0) s += ", ";
      s += gnuplot_quote(panel.x_tics[i].second, kOp) + " " + gnuplot_number(panel.x_tics[i].first);
    }
    s += ")";
    if (panel.x_tics.size() > 8) s += " rotate by 45 right";
    s += "\n";
  }
  for (const auto& [x, label] : panel.x_markers) {
    NABLA_CHECK(std::isfinite(x) && (!panel.log_x || x > 0), kOp, "panel ", p, " ('", panel.title,
                "'): marker '", label, "' at x = ", x, " cannot be drawn on its x axis");
    s += "set arrow from " + gnuplot_number(x) + ", graph 0 to " + gnuplot_number(x) +
         ", graph 1 nohead dashtype 2 lw 1.5 lc rgb 'gray40'\n";
    s += "set label " + gnuplot_quote(label, kOp) + " at " + gnuplot_number(x) +
         ", graph 0.05 offset 0.5,0 left\n";
  }
  return s;
}

}  // namespace

std::string curve_plot_script(const std::vector<Panel>& panels,
                              const std::filesystem::path& path,
                              const CurvePlotOptions& options) {
  NABLA_CHECK(!panels.empty(), kOp, "no panel to draw");
  NABLA_CHECK(options.columns >= 0, kOp, "columns ", options.columns, " is negative");
  std::string data;
  for (std::size_t p = 0; p < panels.size(); ++p) {
    NABLA_CHECK(!panels[p].curves.empty(), kOp, "panel ", p, " ('", panels[p].title,
                "') has no curve");
    for (std::size_t i = 0; i < panels[p].curves.size(); ++i) {
      data += "$s" + std::to_string(p) + "_" + std::to_string(i) + " << EOD\n" +
              curve_data(panels[p], p, panels[p].curves[i]) + "EOD\n";
    }
  }
  const int count = static_cast<int>(panels.size());
  const int columns = options.columns > 0 ? std::min(options.columns, count) : (count == 1 ? 1 : 2);
  const int rows = (count + columns - 1) / columns;
  const int width = options.width > 0 ? options.width : (count == 1 ? 640 : 560 * columns);
  const int height = options.height > 0 ? options.height : (count == 1 ? 480 : 400 * rows);

  std::string s = gnuplot_output(path, width, height, kOp) + data;
  s += "set multiplot layout " + std::to_string(rows) + "," + std::to_string(columns);
  if (!options.title.empty()) s += " title " + gnuplot_quote(options.title, kOp);
  s += "\nset grid\n";
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const Panel& panel = panels[p];
    s += panel_settings(panel, p);
    s += "plot ";
    for (std::size_t i = 0; i < panel.curves.size(); ++i) {
      if (i > 0) s += ", ";
      s += "$s" + std::to_string(p) + "_" + std::to_string(i) + " using 1:2 with " +
           style_text(panel.curves[i]) + " title " + gnuplot_quote(panel.curves[i].name, kOp);
    }
    s += "\n";
  }
  s += "unset multiplot\n";
  return s;
}

void plot_curves(const std::vector<Panel>& panels,
                 const std::filesystem::path& path,
                 const CurvePlotOptions& options) {
  render_gnuplot(curve_plot_script(panels, path, options), path, kOp);
}

}  // namespace nabla::plot
