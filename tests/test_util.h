// Helpers shared by every test suite.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tensor/error.h"
#include "tensor/parallel.h"
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

/// All elements of `t` as doubles, in row-major order.
inline std::vector<double> values(const Tensor& t) {
  return t.to_vector<double>();
}

/// Restores the kernel thread count when a test that changes it ends.
class ThreadCountGuard {
 public:
  ThreadCountGuard() : saved_(get_num_threads()) {}
  ~ThreadCountGuard() { set_num_threads(saved_); }
  ThreadCountGuard(const ThreadCountGuard&) = delete;
  ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

 private:
  int saved_;
};

}  // namespace nabla::testing
