// The compiler builds nabla right: a wrong-code pattern of GCC 12 with
// AVX-512VL (CMakeLists.txt turns off the vectorizer behind it), checked in the
// flags every nabla file is compiled with.
#include <gtest/gtest.h>

#include <vector>

namespace nabla {
namespace {

// Keeps the compiler from knowing what happens to v after its initializer.
template <class T>
[[gnu::noinline]] void escape(std::vector<T>& v) {
  asm volatile("" : : "r"(v.data()) : "memory");
}

TEST(Toolchain, VectorInitializersKeepTheirValues) {
  std::vector<double> halves = {1, 1, 0, 0};
  escape(halves);
  EXPECT_EQ(halves, (std::vector<double>{1, 1, 0, 0}));
  std::vector<double> pairs = {2, 2, 3, 3, 0, 0, 0, 0};
  escape(pairs);
  EXPECT_EQ(pairs, (std::vector<double>{2, 2, 3, 3, 0, 0, 0, 0}));
  std::vector<long> ints = {7, 7, 0, 0};
  escape(ints);
  EXPECT_EQ(ints, (std::vector<long>{7, 7, 0, 0}));
}

}  // namespace
}  // namespace nabla
