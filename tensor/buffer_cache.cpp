#include "tensor/buffer_cache.h"

#include <cstdlib>
#include <limits>
#include <new>
#include <unordered_map>
#include <vector>

#include "tensor/error.h"

namespace nabla {
namespace {

// Sizes are rounded up so that nearby requests share a free list: to a cache
// line below 4 KiB, to a page above.
constexpr std::size_t kPage = 4096;
// A thread keeps at most this many bytes of freed buffers; beyond it, buffers
// go back to the system. Enough for the activations and gradients of a
// mid-sized MLP step, small next to the machine's memory.
constexpr std::size_t kMaxCachedBytes = std::size_t{1} << 30;

std::size_t round_size(std::size_t nbytes) {
  if (nbytes == 0) nbytes = 1;
  const std::size_t unit = nbytes < kPage ? kBufferAlignment : kPage;
  return (nbytes + unit - 1) / unit * unit;
}

// Set when the calling thread's cache has been destroyed at thread exit. A
// tensor that outlives it (a static or an earlier-constructed thread_local, both
// destroyed after the cache) must then bypass the cache instead of touching a
// dead object. A bool is trivially destructible, so it stays readable until
// the thread is gone.
thread_local bool cache_destroyed = false;

// Buffers below a page (the tiny tensors of scalar graphs, biases, ...) are
// served from an array of free lists indexed by size class, so the hot path is
// an index and a pop; larger sizes go through a map.
constexpr std::size_t kSmallClasses = kPage / kBufferAlignment;

struct ThreadCache {
  std::vector<void*> small_lists[kSmallClasses];
  std::unordered_map<std::size_t, std::vector<void*>> free_lists;
  AllocatorStats stats;

  std::vector<void*>& list_for(std::size_t size) {
    return size < kPage ? small_lists[size / kBufferAlignment] : free_lists[size];
  }

  void release_all() {
    for (std::vector<void*>& list : small_lists) {
      for (void* p : list) std::free(p);
      list.clear();
    }
    for (auto& [size, list] : free_lists)
      for (void* p : list) std::free(p);
    free_lists.clear();
    stats.cached_bytes = 0;
  }
  ~ThreadCache() {
    release_all();
    cache_destroyed = true;
  }
};

// The calling thread's cache, or null once it has been destroyed.
ThreadCache* cache() {
  if (cache_destroyed) return nullptr;
  thread_local ThreadCache c;
  return &c;
}

}  // namespace

void* allocate_buffer(std::size_t nbytes) {
  ThreadCache* cp = cache();
  if (cp != nullptr) cp->stats.requested_bytes += nbytes;
  // Rounding a size near SIZE_MAX up to a page would wrap around to a tiny buffer.
  NABLA_CHECK(nbytes <= std::numeric_limits<std::size_t>::max() / 2, "allocate",
              "out of memory allocating ", nbytes, " bytes");
  const std::size_t size = round_size(nbytes);
  if (cp == nullptr) {
    void* p = std::aligned_alloc(kBufferAlignment, size);
    NABLA_CHECK(p != nullptr, "allocate", "out of memory allocating ", nbytes, " bytes");
    return p;
  }
  ThreadCache& c = *cp;
  std::vector<void*>* list = nullptr;
  if (size < kPage) {
    list = &c.small_lists[size / kBufferAlignment];
  } else if (auto it = c.free_lists.find(size); it != c.free_lists.end()) {
    list = &it->second;
  }
  if (list != nullptr && !list->empty()) {
    void* p = list->back();
    list->pop_back();
    c.stats.cached_bytes -= size;
    ++c.stats.cache_hits;
    return p;
  }
  ++c.stats.cache_misses;
  void* p = std::aligned_alloc(kBufferAlignment, size);
  if (p == nullptr) {
    // Cached buffers of other sizes may be what stands between us and success.
    c.release_all();
    p = std::aligned_alloc(kBufferAlignment, size);
  }
  NABLA_CHECK(p != nullptr, "allocate", "out of memory allocating ", nbytes, " bytes");
  return p;
}

void free_buffer(void* ptr, std::size_t nbytes) noexcept {
  if (ptr == nullptr) return;
  const std::size_t size = round_size(nbytes);
  ThreadCache* cp = cache();
  if (cp == nullptr) {
    std::free(ptr);
    return;
  }
  ThreadCache& c = *cp;
  if (c.stats.cached_bytes + size > kMaxCachedBytes) {
    std::free(ptr);
    return;
  }
  try {
    c.list_for(size).push_back(ptr);
    c.stats.cached_bytes += size;
  } catch (...) {
    std::free(ptr);
  }
}

AllocatorStats allocator_stats() {
  const ThreadCache* c = cache();
  return c ? c->stats : AllocatorStats{};
}

void empty_cache() {
  if (ThreadCache* c = cache()) c->release_all();
}

}  // namespace nabla
