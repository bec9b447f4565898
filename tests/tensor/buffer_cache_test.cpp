// Tests of the buffer cache (tensor/buffer_cache.h): freed buffers are reused for the same size,
// the cache can be emptied, and every buffer is 64-byte aligned.
#include "tensor/buffer_cache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "tensor/factory.h"

namespace nabla {
namespace {

bool aligned(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) % kBufferAlignment == 0;
}

TEST(BufferCache, FreedBufferOfSameSizeIsReused) {
  empty_cache();
  const AllocatorStats before = allocator_stats();
  void* first = nullptr;
  {
    Tensor t = empty({12345});
    first = t.storage()->data();
  }
  const AllocatorStats freed = allocator_stats();
  EXPECT_GE(freed.cached_bytes, 12345u * 4);
  Tensor again = empty({12345});
  const AllocatorStats after = allocator_stats();
  EXPECT_EQ(after.cache_hits, freed.cache_hits + 1);
  EXPECT_EQ(after.cache_misses, freed.cache_misses);
  EXPECT_GT(freed.cache_misses, before.cache_misses);
  EXPECT_EQ(again.storage()->data(), first);
  // 12345 floats = 49380 bytes, rounded up to 13 pages, left the cache.
  EXPECT_EQ(freed.cached_bytes - after.cached_bytes, 13u * 4096);
}

TEST(BufferCache, NearbySizesShareABucket) {
  empty_cache();
  // Above a page, sizes round up to whole pages: 5000 and 6000 bytes both take two.
  void* p = allocate_buffer(5000);
  free_buffer(p, 5000);
  const std::int64_t hits = allocator_stats().cache_hits;
  void* q = allocate_buffer(6000);
  EXPECT_EQ(allocator_stats().cache_hits, hits + 1);
  EXPECT_EQ(q, p);
  free_buffer(q, 6000);
}

TEST(BufferCache, EmptyCacheReleasesEverything) {
  { Tensor a = empty({1000}), b = empty({3, 77}, DType::f64); }
  EXPECT_GT(allocator_stats().cached_bytes, 0u);
  empty_cache();
  EXPECT_EQ(allocator_stats().cached_bytes, 0u);
  // After emptying, the same size is a miss again.
  const std::int64_t misses = allocator_stats().cache_misses;
  Tensor c = empty({1000});
  EXPECT_EQ(allocator_stats().cache_misses, misses + 1);
}

TEST(BufferCache, RequestedBytesCountEveryRequest) {
  const std::uint64_t before = allocator_stats().requested_bytes;
  void* p = allocate_buffer(5000);
  free_buffer(p, 5000);
  void* q = allocate_buffer(6000);  // a cache hit counts too
  free_buffer(q, 6000);
  { Tensor t = empty({100}, DType::f64); }
  EXPECT_EQ(allocator_stats().requested_bytes - before, 5000u + 6000u + 800u);
  // A refused request is counted as well: it is what a bound on a call's
  // allocations must see.
  const std::uint64_t counted = allocator_stats().requested_bytes;
  const std::size_t impossible = std::numeric_limits<std::size_t>::max() / 2 + 1;
  EXPECT_THROW(allocate_buffer(impossible), Error);
  EXPECT_EQ(allocator_stats().requested_bytes - counted, impossible);
}

TEST(BufferCache, BuffersAre64ByteAligned) {
  std::vector<Tensor> keep;
  for (std::int64_t n : {0, 1, 3, 15, 17, 1000, 4097, 100000}) {
    keep.push_back(empty({n}));
    keep.push_back(empty({n}, DType::f64));
  }
  for (const Tensor& t : keep) EXPECT_TRUE(aligned(t.storage()->data())) << t.numel();
  void* p = allocate_buffer(1);
  EXPECT_TRUE(aligned(p));
  free_buffer(p, 1);
}

TEST(BufferCache, BufferIsWritableToItsFullSize) {
  const std::size_t n = 10007;
  auto* p = static_cast<unsigned char*>(allocate_buffer(n));
  std::memset(p, 0xab, n);
  EXPECT_EQ(p[n - 1], 0xab);
  free_buffer(p, n);
  free_buffer(nullptr, 16);  // a no-op
}

TEST(BufferCache, TensorOutlivingItsThreadsCacheIsFreedSafely) {
  // `holder` is constructed before the thread's cache, so it is destroyed after
  // it at thread exit; its buffer must then go straight back to the system.
  std::thread worker([] {
    thread_local Tensor holder;
    Tensor first = empty({100});  // creates this thread's cache
    holder = empty({200});
    holder.fill_(1);
    EXPECT_EQ(holder.to_vector<float>().back(), 1.0f);
  });
  worker.join();
}

TEST(BufferCache, ImpossibleSizeThrows) {
  EXPECT_THROW(allocate_buffer(static_cast<std::size_t>(-1) - 10), Error);
  try {
    allocate_buffer(static_cast<std::size_t>(-1) - 10);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("allocate"), std::string::npos);
  }
  EXPECT_THROW(empty({std::int64_t{1} << 40, std::int64_t{1} << 40}), Error);
}

}  // namespace
}  // namespace nabla
