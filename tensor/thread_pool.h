// The threads behind parallel_for and parallel_invoke (internal to tensor/).
//
// A job is a number of chunks, cut into one slice of consecutive chunks per
// thread. Each thread takes the chunks of its own slice one at a time, then
// those left in the others' slices, so a worker that the operating system has
// not scheduled (another process is busy on its core) takes none, and the
// caller runs them itself instead of waiting at a barrier for it: a job takes
// at most about its one-thread time plus a wake-up, on an idle or a busy
// machine alike. On an idle machine each thread runs its own slice, the same
// part of a tensor in every job: an optimizer's state and the half of a
// weight a thread updates stay in that core's cache from step to step instead
// of moving between cores (see NOTE [ Home slices ] in thread_pool.cpp).
// Between jobs a worker spins briefly (the next op of a training step comes
// within microseconds), then sleeps.
//
// When the caller nevertheless waits long for a chunk a worker took (the
// worker was preempted in the middle of it), the pool runs the following jobs
// on the calling thread alone for a while, then tries again: see NOTE
// [ Stolen time ] in thread_pool.cpp.
//
// Which thread runs a chunk never changes a result: kernels give every chunk
// fixed work whatever the thread count (docs/reliability.md, "Same results for
// any thread count").
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace nabla::detail {

using ChunkFn = void (*)(void* ctx, std::int64_t chunk);

class ThreadPool {
 public:
  /// The process's pool (never destroyed: workers may still sleep at exit).
  static ThreadPool& instance();

  /// Runs fn(ctx, c) for every c in [0, chunks) on the calling thread and the
  /// pool's `threads - 1` workers (the process's thread count: a job of fewer
  /// chunks leaves some idle), and returns when all have run. Returns false
  /// without running anything when the pool is serving another caller, or is
  /// backing off after stolen time; the caller then runs the chunks itself.
  /// Rethrows the exception of the lowest chunk that threw, after all ran.
  bool run(std::int64_t chunks, int threads, ChunkFn fn, void* ctx);

  /// True on a thread that is running a chunk (nested parallelism runs inline).
  static bool in_chunk();

  /// How often the pool found stolen time, how many jobs it then ran on the
  /// calling thread alone and for how long it last did (for benchmarks and
  /// tests).
  struct Stats {
    std::int64_t jobs = 0;
    std::int64_t late_jobs = 0;
    std::int64_t serial_jobs = 0;
    std::int64_t last_backoff_ns = 0;  // the length of the latest back-off
  };
  Stats stats() const;
  /// Ends a back-off after stolen time (for tests).
  void reset_backoff();

 private:
  ThreadPool() = default;
  struct Worker;
  void forget_workers();
  void resize(int workers);
  void worker_loop(Worker* self, std::uint32_t seen);
  // Claims and runs chunks of the current job until none is left, from slice
  // `home` first; returns how many this thread ran.
  std::int64_t run_chunks(int home);
  // Claims the next chunk of slice s; returns it, or -1 when none is left.
  std::int64_t claim(int s);
  bool backing_off(std::int64_t now_ns);
  void note_wait(std::int64_t chunk_ns, std::int64_t waited_ns, std::int64_t now_ns);

  // The current job. Written by the caller that holds busy_, before the
  // slices are published; read by a worker only after it claimed a chunk
  // through a slice.
  ChunkFn fn_ = nullptr;
  void* ctx_ = nullptr;
  // The job's slices: slice s is thread s's (0: the caller, w: worker w), its
  // ticket holding the end of its chunks (high 32 bits) and the next unclaimed
  // one (low 32 bits); slices_ of them are in use.
  static constexpr int kMaxSlices = 64;
  struct alignas(64) Slice {
    std::atomic<std::uint64_t> ticket{0};
  };
  Slice slice_[kMaxSlices];
  std::atomic<int> slices_{0};
  std::atomic<std::int64_t> done_{0};
  std::atomic<std::uint32_t> generation_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> busy_{false};
  std::atomic<std::int64_t> spin_ns_{0};

  std::mutex error_mutex_;
  std::exception_ptr error_;
  std::int64_t error_chunk_ = -1;

  std::vector<std::unique_ptr<Worker>> workers_;

  // Stolen-time back-off (touched by the caller holding busy_ only).
  std::int64_t serial_until_ns_ = 0;
  std::int64_t backoff_ns_ = 0;
  std::atomic<std::int64_t> jobs_{0}, late_jobs_{0}, serial_jobs_{0}, last_backoff_ns_{0};
};

}  // namespace nabla::detail
