#include "tensor/factory.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

#include "tensor/dispatch.h"

namespace nabla {

namespace {

// empty(shape, dtype), with a bad shape reported under the name of the
// factory the caller called.
Tensor allocate(const Shape& shape, DType dtype, std::string_view op) {
  check_shape(shape, op);
  return empty(shape, dtype);
}

Tensor filled(const Shape& shape, double value, DType dtype, std::string_view op) {
  NABLA_CHECK(is_floating(dtype) || fits_int64(value), op, "value ", value,
              " cannot be converted to i64 without overflow");
  Tensor t = allocate(shape, dtype, op);
  dispatch(dtype, [&]<class T>() { std::fill_n(t.data<T>(), t.numel(), static_cast<T>(value)); });
  return t;
}

}  // namespace

Tensor zeros(const Shape& shape, DType dtype) {
  // Filled directly, not with zero_(): a fresh tensor starts at version 0.
  Tensor t = allocate(shape, dtype, "zeros");
  if (t.numel() > 0)
    std::memset(t.raw_data(), 0, static_cast<std::size_t>(t.numel()) * t.element_size());
  return t;
}

Tensor ones(const Shape& shape, DType dtype) {
  return filled(shape, 1.0, dtype, "ones");
}

Tensor full(const Shape& shape, double value, DType dtype) {
  return filled(shape, value, dtype, "full");
}

Tensor zeros_like(const Tensor& t) {
  check_defined(t, "zeros_like");
  return zeros(t.shape(), t.dtype());
}
Tensor ones_like(const Tensor& t) {
  check_defined(t, "ones_like");
  return ones(t.shape(), t.dtype());
}
Tensor full_like(const Tensor& t, double value) {
  check_defined(t, "full_like");
  return full(t.shape(), value, t.dtype());
}
Tensor empty_like(const Tensor& t) {
  check_defined(t, "empty_like");
  return empty(t.shape(), t.dtype());
}

Tensor scalar_tensor(double value, DType dtype) {
  return full(Shape{}, value, dtype);
}

Tensor arange(double start, double end, double step, DType dtype) {
  NABLA_CHECK(std::isfinite(start) && std::isfinite(end) && std::isfinite(step), "arange",
              "start, end and step must be finite, got ", start, ", ", end, ", ", step);
  NABLA_CHECK(step != 0.0, "arange", "step must be nonzero");
  NABLA_CHECK((end - start) * step >= 0.0, "arange", "step ", step, " points away from end (start ",
              start, ", end ", end, ")");
  const double count = std::ceil((end - start) / step);
  // Converting a count beyond int64 would be undefined; no buffer that large exists anyway.
  NABLA_CHECK(count < 9.0e18, "arange", "range [", start, ", ", end, ") with step ", step,
              " has too many elements");
  const auto n = static_cast<std::int64_t>(count);
  // The values run monotonically from start to the last one: if both ends fit
  // int64, every value does.
  NABLA_CHECK(is_floating(dtype) || n == 0 ||
                  (fits_int64(start) && fits_int64(start + static_cast<double>(n - 1) * step)),
              "arange", "range [", start, ", ", end, ") with step ", step,
              " has values that cannot be converted to i64 without overflow");
  Tensor t = empty(Shape{n}, dtype);
  dispatch(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::int64_t i = 0; i < n; ++i)
      p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return t;
}

Tensor arange(double end, DType dtype) {
  return arange(0.0, end, 1.0, dtype);
}

Tensor linspace(double start, double end, std::int64_t steps, DType dtype) {
  NABLA_CHECK(steps >= 0, "linspace", "number of steps must be non-negative, got ", steps);
  NABLA_CHECK(std::isfinite(start) && std::isfinite(end), "linspace",
              "start and end must be finite, got ", start, " and ", end);
  // Every value lies between start and end, so checking the ends suffices.
  NABLA_CHECK(is_floating(dtype) || (fits_int64(start) && fits_int64(end)), "linspace", "range [",
              start, ", ", end, "] cannot be converted to i64 without overflow");
  Tensor t = empty(Shape{steps}, dtype);
  dispatch(dtype, [&]<class T>() {
    T* p = t.data<T>();
    const double delta = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
    // Fill from both ends so that the last value is exactly `end` (and a single
    // step gives `start`, as in NumPy).
    const std::int64_t half = (steps + 1) / 2;
    for (std::int64_t i = 0; i < steps; ++i)
      p[i] = static_cast<T>(i < half ? start + delta * static_cast<double>(i)
                                     : end - delta * static_cast<double>(steps - 1 - i));
  });
  return t;
}

Tensor eye(std::int64_t n, std::int64_t m, DType dtype) {
  if (m < 0) m = n;
  NABLA_CHECK(n >= 0, "eye", "size must be non-negative, got ", n);
  Tensor t = zeros(Shape{n, m}, dtype);
  dispatch(dtype, [&]<class T>() {
    T* p = t.data<T>();
    for (std::int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
  });
  return t;
}

template <class T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape) {
  check_shape(shape, "from_vector");
  NABLA_CHECK(static_cast<std::int64_t>(values.size()) == numel(shape), "from_vector",
              values.size(), " values do not fill shape ", shape, " (", numel(shape), " elements)");
  Tensor t = empty(shape, dtype_of<T>());
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(T));
  return t;
}

template Tensor from_vector<float>(const std::vector<float>&, const Shape&);
template Tensor from_vector<double>(const std::vector<double>&, const Shape&);
template Tensor from_vector<std::int64_t>(const std::vector<std::int64_t>&, const Shape&);

namespace {

// Flattens nested braces, recording the size of each level and checking that
// all rows of a level agree.
void flatten_into(double v, std::vector<double>& out, Shape&, std::size_t) {
  out.push_back(v);
}

template <class L>
void flatten_into(const std::initializer_list<L>& list,
                  std::vector<double>& out,
                  Shape& shape,
                  std::size_t depth) {
  const auto n = static_cast<std::int64_t>(list.size());
  if (shape.size() <= depth) shape.push_back(n);
  NABLA_CHECK(shape[depth] == n, "tensor", "ragged nested list: a row at depth ", depth, " has ", n,
              " elements, expected ", shape[depth]);
  for (const L& item : list) flatten_into(item, out, shape, depth + 1);
}

template <class L>
Tensor from_list(const L& list, DType dtype) {
  std::vector<double> values;
  Shape shape;
  flatten_into(list, values, shape, 0);
  // An empty row leaves the deeper sizes unrecorded; they are 0-sized.
  return from_vector(values, shape).to(dtype);
}

}  // namespace

Tensor tensor(List1 values, DType dtype) {
  return from_list(values, dtype);
}
Tensor tensor(List2 values, DType dtype) {
  return from_list(values, dtype);
}
Tensor tensor(List3 values, DType dtype) {
  return from_list(values, dtype);
}
Tensor tensor(List4 values, DType dtype) {
  return from_list(values, dtype);
}

}  // namespace nabla
