// The buffer cache behind every tensor's element buffer (and the scratch
// buffers of the kernels). Training loops allocate the same sizes every step;
// keeping freed buffers in per-size free lists turns those allocations into a
// list pop instead of a trip to malloc (and, for large buffers, to mmap and
// page faults). The small Storage, Variable and Node objects come from another
// pool, tensor/object_pool.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nabla {

/// Alignment of every buffer, in bytes (one cache line, one AVX-512 vector).
inline constexpr std::size_t kBufferAlignment = 64;

/// Returns an uninitialised, kBufferAlignment-aligned buffer of at least
/// `nbytes` bytes. Never returns null; throws nabla::Error when out of memory.
void* allocate_buffer(std::size_t nbytes);

/// Returns a buffer obtained from allocate_buffer(nbytes) to the cache.
void free_buffer(void* ptr, std::size_t nbytes) noexcept;

/// Counters of the calling thread's cache.
struct AllocatorStats {
  std::int64_t cache_hits = 0;    ///< allocations served from the cache
  std::int64_t cache_misses = 0;  ///< allocations that went to the system
  std::size_t cached_bytes = 0;   ///< bytes held in free lists right now
  /// Bytes asked for by allocate_buffer in all (cache hits and refused
  /// requests included), so a test can bound what a call allocates.
  std::uint64_t requested_bytes = 0;
};

/// Returns the calling thread's allocator counters.
AllocatorStats allocator_stats();

/// Releases every cached buffer of the calling thread to the system.
void empty_cache();

}  // namespace nabla
