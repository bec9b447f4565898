// Helpers shared by every test suite.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <concepts>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/tensor.h"

namespace nabla::testing {

/// Runs `f` and checks that it throws nabla::Error whose message contains every
/// string of `parts` (by convention the first is the op name).
inline void expect_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected nabla::Error containing '" << parts.front() << "'";
  } catch (const Error& e) {
    for (const std::string& p : parts) EXPECT_THAT(e.what(), ::testing::HasSubstr(p));
  }
}

/// Runs `f` and checks that it throws nabla::Error whose message contains `part`.
inline void expect_error(const std::function<void()>& f, const char* part) {
  expect_error(f, std::vector<std::string>{part});
}

/// The braced form, `expect_error(f, {"op", "value"})`: an initializer list is
/// the best match for a braced argument, so `{"op"}` alone does not pick the
/// const char* overload through braces around a scalar.
inline void expect_error(const std::function<void()>& f, std::initializer_list<std::string> parts) {
  expect_error(f, std::vector<std::string>(parts));
}

/// All elements of `t` as doubles, in row-major order.
inline std::vector<double> values(const Tensor& t) {
  return t.to_vector<double>();
}

/// Expects `got` to have the size of `expected` and each element within `tol`
/// of it, naming the first elements that are not.
inline void expect_all_near(const std::vector<double>& got,
                            const std::vector<double>& expected,
                            double tol = 1e-12) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], tol) << "element " << i;
}

/// An f64 leaf that requires grad, from row-major values; `name` (if any)
/// shows in traces and graph exports.
inline Variable leaf(const std::vector<double>& v,
                     const Shape& shape,
                     const std::string& name = "") {
  Variable x(from_vector(v, shape), /*requires_grad=*/true);
  if (!name.empty()) x.set_name(name);
  return x;
}

/// Backpropagates from y — y itself when it has one element, otherwise
/// grad_out = ones, i.e. from sum(y) — and returns x's gradient.
inline std::vector<double> grad_of(const Variable& x, const Variable& y) {
  if (y.numel() == 1) {
    y.backward();
  } else {
    y.backward(ones(y.shape(), y.dtype()));
  }
  return values(x.grad());
}

/// The gradient of f at `at` (a scalar function of one Variable), by one
/// backward of f(x) from a fresh leaf x holding a copy of `at`.
template <std::invocable<const Variable&> F>
std::vector<double> grad_of(F f, const Tensor& at) {
  Variable x(at.clone(), /*requires_grad=*/true);
  return grad_of(x, f(x));
}

}  // namespace nabla::testing
