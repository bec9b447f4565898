// Tests of tensor/blis_config.h: the kernel configuration nabla chooses for this
// CPU, and a user's BLIS_ARCH_TYPE override. BLIS chooses its kernels once per
// process, so an override is tested in a fresh process: this test binary runs
// itself with the variable set and a filter selecting BlisConfigChild tests,
// which only do something when NABLA_TEST_BLIS_CHILD is set.
#include "tensor/blis_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "tensor/build_info.h"
#include "tensor/factory.h"
#include "tensor/gemm/kernels.h"
#include "tensor/linalg.h"
#include "tensor/random.h"

namespace nabla {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

bool has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

// Read before main(): configure_blis() itself sets BLIS_ARCH_TYPE later.
const bool kUserOverride = [] {
  const char* v = std::getenv("BLIS_ARCH_TYPE");
  return v != nullptr && *v != '\0';
}();

TEST(BlisConfig, NamesAConfigurationAndItsReason) {
  const std::string config = blis_kernel_config();
  // "<name> (<reason>)", e.g. "skx (auto: avx512f/dq/bw/vl)".
  const auto paren = config.find(" (");
  ASSERT_NE(paren, std::string::npos) << config;
  EXPECT_GT(paren, 0u) << config;
  EXPECT_EQ(config.back(), ')') << config;
}

TEST(BlisConfig, AutoChoiceMatchesTheCpu) {
  if (kUserOverride) GTEST_SKIP() << "BLIS_ARCH_TYPE is set by the user";
  const std::string config = blis_kernel_config();
  if (has_avx512()) {
    EXPECT_THAT(config, StartsWith("skx (auto: avx512f/dq/bw/vl)"));
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    EXPECT_THAT(config, HasSubstr("(auto: avx2/fma)"));
    EXPECT_THAT(config, ::testing::Not(StartsWith("generic")));
  }
}

// Runs this test binary with `env` prepended and returns its exit status.
int run_child(const std::string& env, const std::string& filter) {
  char self[PATH_MAX] = {};
  const ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) return -1;
  const std::string cmd = env + " NABLA_TEST_BLIS_CHILD=1 '" + std::string(self, len) +
                          "' --gtest_filter=" + filter + " > /dev/null 2>&1";
  return std::system(cmd.c_str());
}

TEST(BlisConfig, UserOverrideByNameIsUsed) {
  EXPECT_EQ(run_child("BLIS_ARCH_TYPE=generic", "BlisConfigChild.UsesGeneric"), 0);
}

TEST(BlisConfig, UnknownOverrideThrowsInsteadOfAborting) {
  EXPECT_EQ(run_child("BLIS_ARCH_TYPE=nonsense", "BlisConfigChild.RejectsNonsense"), 0);
}

TEST(BlisConfig, ChildFailureIsReported) {
  // The child check must be able to fail: expecting "generic" under skx fails.
  if (!has_avx512()) GTEST_SKIP() << "needs an AVX-512 CPU";
  EXPECT_NE(run_child("BLIS_ARCH_TYPE=skx", "BlisConfigChild.UsesGeneric"), 0);
}

// NABLA_OWN_GEMM=0 sends f32 products to BLIS, as on a CPU without AVX-512:
// with BLIS_ARCH_TYPE, every kernel choice is pinned.
TEST(KernelChoice, OwnKernelCanBeSwitchedOff) {
  EXPECT_EQ(run_child("NABLA_OWN_GEMM=0", "KernelChoiceChild.ProductsRunOnBlis"), 0);
}

TEST(KernelChoice, AnInvalidSettingIsAnError) {
  EXPECT_EQ(run_child("NABLA_OWN_GEMM=yes", "KernelChoiceChild.RejectsTheSetting"), 0);
}

TEST(KernelChoice, ChildFailureIsReported) {
  // Without the setting the own kernel runs: the child's check fails.
  if (!has_avx512()) GTEST_SKIP() << "needs an AVX-512 CPU";
  EXPECT_NE(run_child("NABLA_OWN_GEMM=1", "KernelChoiceChild.ProductsRunOnBlis"), 0);
}

TEST(KernelChoiceChild, ProductsRunOnBlis) {
  if (std::getenv("NABLA_TEST_BLIS_CHILD") == nullptr) GTEST_SKIP() << "run by KernelChoice.*";
  EXPECT_THAT(build_info(), HasSubstr("own f32 kernel: off ("));
  // The product of the first layer of an MLP, which the own kernel takes when
  // it may, is BLIS's, byte for byte.
  const Tensor a = randn({128, 784}), b = randn({784, 256});
  Tensor c = zeros({128, 256});
  configure_blis();
  gemm::blis_gemm<float>({a.data<float>(), 128, 784, 784, 1}, {b.data<float>(), 784, 256, 256, 1},
                         0.0f, {c.data<float>(), 128, 256, 256, 1});
  EXPECT_EQ(matmul(a, b).to_vector<float>(), c.to_vector<float>());
}

TEST(KernelChoiceChild, RejectsTheSetting) {
  if (std::getenv("NABLA_TEST_BLIS_CHILD") == nullptr) GTEST_SKIP() << "run by KernelChoice.*";
  const Tensor a = randn({128, 784}), b = randn({784, 256});
  try {
    matmul(a, b);
    ADD_FAILURE() << "expected nabla::Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("matmul: NABLA_OWN_GEMM=yes: expected 0"));
  }
}

TEST(BlisConfigChild, UsesGeneric) {
  if (std::getenv("NABLA_TEST_BLIS_CHILD") == nullptr) GTEST_SKIP() << "run by UserOverride*";
  EXPECT_EQ(blis_kernel_config(), "generic (user: BLIS_ARCH_TYPE=generic)");
  // The generic kernels still compute: [[1, 2], [3, 4]]^2 = [[7, 10], [15, 22]].
  const Tensor a = tensor({{1, 2}, {3, 4}});
  EXPECT_EQ(matmul(a, a).to_vector<double>(), (std::vector<double>{7, 10, 15, 22}));
}

TEST(BlisConfigChild, RejectsNonsense) {
  if (std::getenv("NABLA_TEST_BLIS_CHILD") == nullptr) GTEST_SKIP() << "run by UnknownOverride*";
  try {
    configure_blis();
    ADD_FAILURE() << "expected nabla::Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("blis: BLIS_ARCH_TYPE=nonsense names no kernel configuration"));
  }
}

}  // namespace
}  // namespace nabla
