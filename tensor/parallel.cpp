#include "tensor/parallel.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "tensor/error.h"
#include "tensor/thread_pool.h"

namespace nabla {
namespace {

// A positive count from the environment variable `name`, or 0.
int threads_from_env(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return 0;
  const std::string_view s(text);
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() && n >= 1 ? n : 0;
}

// NABLA_NUM_THREADS, else OMP_NUM_THREADS (as other numeric libraries read
// it), else the CPUs this process may run on (its affinity mask, which a
// container or taskset narrows), else the hardware's.
int default_threads() {
  if (const int n = threads_from_env("NABLA_NUM_THREADS")) return n;
  if (const int n = threads_from_env("OMP_NUM_THREADS")) return n;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::atomic<int>& thread_count() {
  static std::atomic<int> n{default_threads()};
  return n;
}

// A range job cut into `chunks` fixed pieces.
struct RangeJob {
  std::int64_t begin, n, chunks;
  detail::RangeFn fn;
  void* ctx;
};

}  // namespace

void set_num_threads(int n) {
  NABLA_CHECK(n >= 1, "set_num_threads", "expected at least 1 thread, got ", n);
  thread_count().store(n, std::memory_order_relaxed);
}

int get_num_threads() {
  return thread_count().load(std::memory_order_relaxed);
}

ThreadCountGuard::ThreadCountGuard(int n) : previous_(get_num_threads()) {
  NABLA_CHECK(n >= 0, "ThreadCountGuard", "expected a thread count >= 0 (0 keeps the current ",
              previous_, "), got ", n);
  if (n > 0) set_num_threads(n);
}

ThreadCountGuard::~ThreadCountGuard() {
  if (get_num_threads() != previous_) set_num_threads(previous_);
}

namespace detail {

void parallel_run(std::int64_t begin, std::int64_t end, std::int64_t grain, RangeFn fn, void* ctx) {
  const std::int64_t n = end - begin;
  const std::int64_t max_chunks = std::max<std::int64_t>(1, n / std::max<std::int64_t>(grain, 1));
  const int threads = get_num_threads();
  // A few chunks per thread: whoever is free takes the next one, so a thread
  // that starts late (or not at all) costs its chunks, not the whole job.
  RangeJob job{begin, n, std::min<std::int64_t>(max_chunks, std::int64_t{threads} * 4), fn, ctx};
  const auto run_chunk = [](void* p, std::int64_t c) {
    const auto& j = *static_cast<const RangeJob*>(p);
    const std::int64_t b = j.begin + j.n * c / j.chunks;
    const std::int64_t e = j.begin + j.n * (c + 1) / j.chunks;
    if (b < e) j.fn(j.ctx, b, e);
  };
  if (!ThreadPool::instance().run(job.chunks, threads, run_chunk, &job)) fn(ctx, begin, end);
}

}  // namespace detail
}  // namespace nabla
