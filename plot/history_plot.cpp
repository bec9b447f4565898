// The training-curves plot: the series of a History grouped into one panel
// per metric, as a gnuplot script with the data inline.
#include "plot/history_plot.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {
namespace {

constexpr std::string_view kValPrefix = "val_";

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

}  // namespace

std::string history_script(const metrics::History& history,
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

void plot_history(const metrics::History& history,
                  const std::filesystem::path& path,
                  const HistoryPlotOptions& options) {
  render_gnuplot(history_script(history, path, options), path, "plot_history");
}

}  // namespace nabla::plot
