#include "autograd/value_text.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace nabla::autograd {

namespace {

// Writes the elements of dims [d, rank), from flat index `next` on.
void write_nested(std::ostringstream& out,
                  const std::vector<double>& v,
                  const Shape& shape,
                  std::int64_t d,
                  std::size_t& next,
                  int precision) {
  if (d == shape.rank()) {
    out << format_number(v[next++], precision);
    return;
  }
  out << "[";
  for (std::int64_t k = 0; k < shape[d]; ++k) {
    if (k > 0) out << ", ";
    write_nested(out, v, shape, d + 1, next, precision);
  }
  out << "]";
}

}  // namespace

std::string format_number(double value, int precision) {
  if (value == 0) return "0";  // also -0
  std::ostringstream out;
  out.precision(precision);
  out << value;
  return out.str();
}

bool writes_values(const Tensor& t, const ValueFormat& format) {
  return t.defined() && t.numel() <= format.values_up_to;
}

std::string format_tensor(const Tensor& t, const ValueFormat& format) {
  if (!t.defined()) return "undefined";
  const std::vector<double> v = t.to_vector<double>();
  // Integers (labels, indices) in full, whatever the precision.
  const int precision = is_floating(t.dtype()) ? format.precision : 19;
  std::ostringstream out;
  if (writes_values(t, format)) {
    std::size_t next = 0;
    write_nested(out, v, t.shape(), 0, next, precision);
    return out.str();
  }
  if (v.empty()) return "{empty}";
  double sum = 0;
  for (double x : v) sum += x;
  const auto [min, max] = std::minmax_element(v.begin(), v.end());
  out << "{mean " << format_number(sum / static_cast<double>(v.size()), format.precision)
      << ", min " << format_number(*min, precision) << ", max " << format_number(*max, precision)
      << "}";
  return out.str();
}

}  // namespace nabla::autograd
