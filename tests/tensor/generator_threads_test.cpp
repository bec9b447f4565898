// One Generator used from several threads: concurrent draws get disjoint
// counter blocks, and re-seeding it while another thread draws is defined
// (no data race on the seed; the ThreadSanitizer build, `make tsan`, runs these
// tests and reported the race before the seed was atomic).

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tensor/random.h"

namespace nabla {
namespace {

std::string bytes_of(const Tensor& t) {
  const char* p = static_cast<const char*>(t.raw_data());
  return std::string(p, p + t.numel() * t.element_size());
}

TEST(GeneratorThreads, ConcurrentDrawsGetDisjointBlocks) {
  constexpr int kThreads = 4;
  constexpr int kDraws = 50;
  Generator shared(7);
  std::vector<std::vector<std::string>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDraws; ++i) drawn[t].push_back(bytes_of(rand({64}, shared)));
    });
  for (std::thread& t : threads) t.join();

  // The same draws one after the other: the threads got exactly these, each once.
  Generator alone(7);
  std::vector<std::string> expected;
  for (int i = 0; i < kThreads * kDraws; ++i) expected.push_back(bytes_of(rand({64}, alone)));
  std::vector<std::string> got;
  for (const auto& d : drawn) got.insert(got.end(), d.begin(), d.end());
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(shared.offset(), alone.offset());
}

TEST(GeneratorThreads, ReseedingWhileAnotherThreadDrawsIsDefined) {
  constexpr int kRounds = 2000;
  Generator shared(1);
  // Both start together, so that the seeds and the draws overlap in time.
  std::atomic<int> ready{0};
  const auto start = [&ready] {
    ready.fetch_add(1);
    while (ready.load() < 2) std::this_thread::yield();
  };
  std::thread seeder([&] {
    start();
    for (std::uint64_t s = 0; s < kRounds; ++s) shared.seed(s);
  });
  start();
  for (int i = 0; i < kRounds; ++i) {
    const std::vector<float> v = rand({8}, shared).to_vector<float>();
    ASSERT_TRUE(std::all_of(v.begin(), v.end(), [](float x) { return x >= 0 && x < 1; }));
  }
  seeder.join();
  // Once the threads are done, a seed gives its stream again.
  shared.seed(5);
  Generator fresh(5);
  EXPECT_EQ(rand({16}, shared).to_vector<float>(), rand({16}, fresh).to_vector<float>());
}

}  // namespace
}  // namespace nabla
