// The weight-grid plot: each hidden unit's input weights as an image, tiled
// into one gnuplot matrix datablock.
#include "plot/weight_grid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "plot/gnuplot.h"
#include "tensor/error.h"

namespace nabla::plot {
namespace {

// Four significant digits for pixel values: the eye cannot tell more apart,
// and a 784 x 256 weight grid stays a few megabytes of text.
std::string short_number(double value) {
  if (!std::isfinite(value)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

}  // namespace

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
  s += gnuplot_title(options.title, op);
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

}  // namespace nabla::plot
