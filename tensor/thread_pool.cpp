#include "tensor/thread_pool.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>

namespace nabla::detail {
namespace {

// How long a worker keeps looking for the next job before it sleeps: the ops
// of a training step come microseconds apart, and waking a sleeping thread
// costs tens of microseconds. With more threads than CPUs a spinning worker
// would only take the CPU from the threads doing the work: it sleeps at once.
constexpr std::int64_t kSpinNs = 100'000;

int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}
// How long the caller spins for the chunks others took before it yields its
// core (to the worker it waits for, when they share one).
constexpr std::int64_t kCallerSpinNs = 20'000;

// NOTE [ Stolen time ]
// A job is late when the caller, done with every chunk it could take, waited
// for the chunks a worker took longer than kLateMinNs and longer than two of
// its own chunks took (a worker started its last chunk no later than the
// caller started its own last one). When another process shares the worker's
// core, the worker is preempted in the middle of a chunk and the wait is a
// scheduler time slice (milliseconds); on an idle virtual machine the host
// still interrupts a vCPU now and then (waits of 50-400 us, a few per second).
// After a late job that waited w, the pool runs jobs on the calling thread
// alone for kStallFactor * w, doubling up to kMaxBackoffNs while the probes
// that follow are late too, and from the first prompt probe on runs them in
// parallel again. So a worker that stays unavailable costs at most about
// 1/kStallFactor of the time in waits, and a short interruption only a short
// pause. With a fixed first pause of 20 ms, an idle machine's 15-30
// interruptions a second ran a third to two thirds of its jobs on one thread,
// and beside a busy process the 4 ms waits that came back after each pause made
// the batch-16 step of a small MLP take 1.15-1.18x its one-thread time (see
// docs/benchmarks.md, "Threads on a shared machine"). kLateMinNs: at 30 us an
// idle machine backed off without need.
constexpr std::int64_t kLateMinNs = 50'000;
constexpr std::int64_t kStallFactor = 50;
constexpr std::int64_t kMaxBackoffNs = 1'000'000'000;

thread_local bool t_in_chunk = false;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

constexpr std::uint64_t ticket(std::uint64_t end, std::uint64_t next) {
  return end << 32 | next;
}

// NOTE [ Home slices ]
// Claiming chunks in one shared order gives each thread whichever chunks it
// reaches first: on an idle machine the two threads of an optimizer step
// updated a different mix of halves of each weight every step, and its state,
// weights and gradients moved between the cores' caches each time. With a
// slice per thread, thread s starts with chunks
// [chunks * s / S, chunks * (s + 1) / S) of every job, in order, and only then
// helps with the others' slices: the same elements land on the same core job
// after job while every thread is scheduled, and a late thread's slice is
// still taken over chunk by chunk.

}  // namespace

struct ThreadPool::Worker {
  int index;  // its home slice (the caller's is 0)
  std::thread thread;
  std::atomic<bool> stop{false};
};

ThreadPool& ThreadPool::instance() {
  static ThreadPool* pool = [] {
    auto* p = new ThreadPool();
    // A child of fork() has only the forking thread: it forgets the workers
    // (their objects are leaked, never joined) and starts its own on its first
    // parallel job. Until then the caller runs every chunk itself anyway.
    pthread_atfork(nullptr, nullptr, [] { instance().forget_workers(); });
    return p;
  }();
  return *pool;
}

void ThreadPool::forget_workers() {
  new std::vector<std::unique_ptr<Worker>>(std::move(workers_));
  workers_.clear();
  for (Slice& slice : slice_) slice.ticket.store(0, std::memory_order_relaxed);
  sleepers_.store(0, std::memory_order_relaxed);
  busy_.store(false, std::memory_order_relaxed);
}

bool ThreadPool::in_chunk() {
  return t_in_chunk;
}

ThreadPool::Stats ThreadPool::stats() const {
  return {jobs_.load(std::memory_order_relaxed), late_jobs_.load(std::memory_order_relaxed),
          serial_jobs_.load(std::memory_order_relaxed),
          last_backoff_ns_.load(std::memory_order_relaxed)};
}

std::int64_t ThreadPool::claim(int s) {
  std::atomic<std::uint64_t>& ticket = slice_[s].ticket;
  std::uint64_t t = ticket.load(std::memory_order_acquire);
  while (true) {
    const std::uint64_t end = t >> 32, next = t & 0xFFFFFFFFu;
    if (next >= end) return -1;
    // A successful claim is a claim of the current job (the slices of a
    // finished job are all used up), whose fields stay put until every
    // claimed chunk is done.
    if (ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel,
                                     std::memory_order_acquire))
      return static_cast<std::int64_t>(next);
  }
}

std::int64_t ThreadPool::run_chunks(int home) {
  std::int64_t ran = 0;
  const int slices = slices_.load(std::memory_order_acquire);
  for (int i = 0; i < slices; ++i) {
    const int s = (home + i) % slices;
    for (std::int64_t chunk = claim(s); chunk >= 0; chunk = claim(s)) {
      t_in_chunk = true;
      try {
        fn_(ctx_, chunk);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex_);
        if (error_chunk_ < 0 || chunk < error_chunk_) {
          error_ = std::current_exception();
          error_chunk_ = chunk;
        }
      }
      t_in_chunk = false;
      ++ran;
      done_.fetch_add(1, std::memory_order_release);
    }
  }
  return ran;
}

void ThreadPool::worker_loop(Worker* self, std::uint32_t seen) {
  while (!self->stop.load(std::memory_order_acquire)) {
    const std::uint32_t g = generation_.load(std::memory_order_seq_cst);
    if (g != seen) {
      seen = g;
      run_chunks(self->index);
      continue;
    }
    // Spin for the next job, then sleep until one is published.
    const std::int64_t start = now_ns();
    bool changed = false;
    for (int i = 1; !changed; ++i) {
      cpu_relax();
      changed = generation_.load(std::memory_order_relaxed) != seen;
      if (i % 128 == 0 && now_ns() - start > spin_ns_.load(std::memory_order_relaxed)) break;
    }
    if (changed) continue;
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    generation_.wait(seen, std::memory_order_seq_cst);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

void ThreadPool::resize(int workers) {
  const auto target = static_cast<std::size_t>(std::max(workers, 0));
  static const int cpus = available_cpus();
  spin_ns_.store(workers + 1 <= cpus ? kSpinNs : 0, std::memory_order_relaxed);
  if (target < workers_.size()) {
    for (std::size_t i = target; i < workers_.size(); ++i)
      workers_[i]->stop.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_seq_cst);
    generation_.notify_all();
    for (std::size_t i = target; i < workers_.size(); ++i) workers_[i]->thread.join();
    workers_.resize(target);
  }
  while (workers_.size() < target) {
    auto w = std::make_unique<Worker>();
    w->index = static_cast<int>(workers_.size()) + 1;
    Worker* raw = w.get();
    // The generation before the job that is about to be published: a worker
    // that starts after the publication must still see that job as new.
    const std::uint32_t seen = generation_.load(std::memory_order_relaxed);
    w->thread = std::thread([this, raw, seen] { worker_loop(raw, seen); });
    workers_.push_back(std::move(w));
  }
}

void ThreadPool::reset_backoff() {
  while (busy_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
  serial_until_ns_ = 0;
  backoff_ns_ = 0;
  busy_.store(false, std::memory_order_release);
}

bool ThreadPool::backing_off(std::int64_t now) {
  return now < serial_until_ns_;
}

void ThreadPool::note_wait(std::int64_t chunk_ns, std::int64_t waited_ns, std::int64_t now) {
  if (waited_ns > kLateMinNs && waited_ns > 2 * chunk_ns) {
    late_jobs_.fetch_add(1, std::memory_order_relaxed);
    backoff_ns_ = std::min(std::max(kStallFactor * waited_ns, 2 * backoff_ns_), kMaxBackoffNs);
    serial_until_ns_ = now + backoff_ns_;
    last_backoff_ns_.store(backoff_ns_, std::memory_order_relaxed);
  } else {
    backoff_ns_ = 0;
  }
}

bool ThreadPool::run(std::int64_t chunks, int threads, ChunkFn fn, void* ctx) {
  if (t_in_chunk || chunks <= 1 || threads <= 1) return false;
  if (busy_.exchange(true, std::memory_order_acquire)) return false;
  struct Release {
    std::atomic<bool>& busy;
    ~Release() { busy.store(false, std::memory_order_release); }
  } release{busy_};

  const std::int64_t start = now_ns();
  if (backing_off(start)) {
    serial_jobs_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (workers_.size() != static_cast<std::size_t>(threads - 1)) resize(threads - 1);
  jobs_.fetch_add(1, std::memory_order_relaxed);

  fn_ = fn;
  ctx_ = ctx;
  error_ = nullptr;
  error_chunk_ = -1;
  done_.store(0, std::memory_order_relaxed);
  const int slices = std::min(threads, kMaxSlices);
  for (int sl = 0; sl < slices; ++sl)
    slice_[sl].ticket.store(ticket(static_cast<std::uint64_t>(chunks * (sl + 1) / slices),
                                   static_cast<std::uint64_t>(chunks * sl / slices)),
                            std::memory_order_release);
  slices_.store(slices, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) generation_.notify_all();

  const std::int64_t ran = run_chunks(0);
  const std::int64_t worked = now_ns();
  for (int i = 1; done_.load(std::memory_order_acquire) < chunks; ++i) {
    if (i % 64 != 0) {
      cpu_relax();
    } else if (now_ns() - worked > kCallerSpinNs) {
      std::this_thread::yield();
    }
  }
  const std::int64_t end = now_ns();
  if (ran > 0) note_wait((worked - start) / ran, end - worked, end);
  if (error_) std::rethrow_exception(error_);
  return true;
}

}  // namespace nabla::detail
