#include "tensor/object_pool.h"

#include <cstdlib>
#include <vector>

namespace nabla::detail {
namespace {

constexpr std::size_t kGranule = alignof(std::max_align_t);
constexpr std::size_t kMaxPooled = 4096;
constexpr std::size_t kClasses = kMaxPooled / kGranule + 1;
// Bounds what one thread keeps after a burst (a million-node graph freed at once).
constexpr std::size_t kMaxBlocksPerClass = 1 << 16;

thread_local bool pool_destroyed = false;

struct Pool {
  std::vector<void*> free_lists[kClasses];
  ~Pool() {
    for (std::vector<void*>& list : free_lists)
      for (void* p : list) std::free(p);
    pool_destroyed = true;
  }
};

// Null once the thread's pool has been destroyed (objects freed by later
// thread-exit destructors go straight to free()).
Pool* pool() {
  if (pool_destroyed) return nullptr;
  thread_local Pool p;
  return &p;
}

std::size_t size_class(std::size_t nbytes) {
  return (nbytes + kGranule - 1) / kGranule;
}

}  // namespace

void* pool_allocate(std::size_t nbytes) {
  if (nbytes <= kMaxPooled) {
    const std::size_t c = size_class(nbytes);
    if (Pool* p = pool(); p != nullptr && !p->free_lists[c].empty()) {
      void* block = p->free_lists[c].back();
      p->free_lists[c].pop_back();
      return block;
    }
    nbytes = c * kGranule;
  }
  void* block = std::malloc(nbytes == 0 ? 1 : nbytes);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

void pool_free(void* block, std::size_t nbytes) noexcept {
  if (block == nullptr) return;
  if (nbytes <= kMaxPooled) {
    Pool* p = pool();
    std::vector<void*>* list = p != nullptr ? &p->free_lists[size_class(nbytes)] : nullptr;
    if (list != nullptr && list->size() < kMaxBlocksPerClass) {
      try {
        list->push_back(block);
        return;
      } catch (...) {  // no memory to grow the list: give the block back instead
      }
    }
  }
  std::free(block);
}

}  // namespace nabla::detail
