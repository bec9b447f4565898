// The allocation probe of the catalogue (allocation_probe.h) sees the
// allocations it is meant to bound, and its check fails when one is made.
#include <gtest/gtest-spi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bad_inputs/allocation_probe.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

constexpr std::size_t kTwoMiB = std::size_t{2} << 20;

TEST(BadInputs_Probe, CountsVectorsStringsAndTensorBuffers) {
  EXPECT_GE(bytes_requested_by([] { std::vector<std::uint8_t> v(kTwoMiB); }), kTwoMiB);
  EXPECT_GE(bytes_requested_by([] { std::string s(kTwoMiB, 'x'); }), kTwoMiB);
  EXPECT_GE(bytes_requested_by([] { zeros({static_cast<std::int64_t>(kTwoMiB / 4)}); }), kTwoMiB);
  EXPECT_LT(bytes_requested_by([] { zeros({4}); }), kSmallAllocation);
}

TEST(BadInputs_Probe, FailsWhenTheFailingCallAllocatedMuch) {
  EXPECT_NONFATAL_FAILURE(expect_error_before_allocating(
                              [] {
                                std::vector<std::uint8_t> v(kTwoMiB);
                                zeros({2}).item<float>();
                              },
                              {"item", "[2]"}),
                          "the call asked for");
}

}  // namespace
}  // namespace nabla::testing
