// Runs code that makes GoogleTest assertions and returns the failures they
// reported instead of failing the running test: the assertions of testing/
// are themselves under test here. Unlike EXPECT_NONFATAL_FAILURE, the code may
// use local variables, and every message can be inspected.
#pragma once

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace nabla::testing {

struct ReportedFailure {
  bool fatal = false;
  std::string message;
};

inline std::vector<ReportedFailure> failures_of(const std::function<void()>& f) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    f();
  }
  std::vector<ReportedFailure> failures;
  for (int i = 0; i < results.size(); ++i) {
    const ::testing::TestPartResult& r = results.GetTestPartResult(i);
    if (r.failed()) failures.push_back({r.fatally_failed(), r.message()});
  }
  return failures;
}

}  // namespace nabla::testing
