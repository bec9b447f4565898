// Tests of parallel_for (the sub-ranges cover the range exactly once with any
// thread count), parallel_invoke (every task runs once, on several threads,
// the first exception is rethrown after all ran, nested use runs inline), the
// thread pool's back-off after stolen time, and set_num_threads's validation.
#include "tensor/parallel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tensor/error.h"
#include "tensor/thread_pool.h"

#include "test_util.h"

namespace nabla {
namespace {

// Runs parallel_for over [begin, end) and returns how often each index was visited.
std::vector<int> visits(std::int64_t begin, std::int64_t end, std::int64_t grain) {
  std::vector<std::atomic<int>> count(static_cast<std::size_t>(end > begin ? end - begin : 0));
  std::atomic<bool> bad_range{false};
  parallel_for(begin, end, grain, [&](std::int64_t b, std::int64_t e) {
    if (b < begin || e > end || b >= e) bad_range = true;
    for (std::int64_t i = b; i < e; ++i) count[static_cast<std::size_t>(i - begin)]++;
  });
  EXPECT_FALSE(bad_range.load());
  std::vector<int> out;
  for (const auto& c : count) out.push_back(c.load());
  return out;
}

TEST(ParallelFor, CoversRangeExactlyOnceWithOneAndTwoThreads) {
  ThreadCountGuard guard;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    EXPECT_EQ(get_num_threads(), threads);
    for (std::int64_t n : {1, 7, 100, 100001}) {
      const std::vector<int> v = visits(5, 5 + n, 16);
      EXPECT_EQ(v, std::vector<int>(static_cast<std::size_t>(n), 1))
          << threads << " threads, n " << n;
    }
  }
}

TEST(ParallelFor, SplitsLargeRangesIntoAFewChunksPerThread) {
  ThreadCountGuard guard;
  set_num_threads(2);
  std::atomic<int> calls{0};
  std::atomic<std::int64_t> shortest{1000};
  parallel_for(0, 1000, 100, [&](std::int64_t b, std::int64_t e) {
    ++calls;
    std::int64_t s = shortest.load();
    while (e - b < s && !shortest.compare_exchange_weak(s, e - b)) {
    }
  });
  // Four chunks per thread, each at least the grain.
  EXPECT_EQ(calls.load(), 8);
  EXPECT_GE(shortest.load(), 100);
  calls = 0;
  // At or below the grain, the range runs in one call on this thread.
  parallel_for(0, 100, 100, [&](std::int64_t b, std::int64_t e) {
    ++calls;
    EXPECT_EQ(b, 0);
    EXPECT_EQ(e, 100);
  });
  EXPECT_EQ(calls.load(), 1);
}

TEST(ParallelFor, EmptyRangeCallsNothing) {
  int calls = 0;
  parallel_for(3, 3, 1, [&](std::int64_t, std::int64_t) { ++calls; });
  parallel_for(5, 2, 1, [&](std::int64_t, std::int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ParallelFor, SetNumThreadsRejectsLessThanOne) {
  ThreadCountGuard guard;
  for (int n : {0, -3}) {
    try {
      set_num_threads(n);
      ADD_FAILURE() << "expected an error for " << n;
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("set_num_threads"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr(std::to_string(n)));
    }
  }
  EXPECT_GE(get_num_threads(), 1);
}

TEST(ParallelInvoke, RunsEveryTaskOnce) {
  ThreadCountGuard guard;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (std::int64_t count : {0, 1, 2, 5}) {
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(count));
      parallel_invoke(count, [&](std::int64_t i) { runs[static_cast<std::size_t>(i)]++; });
      for (std::int64_t i = 0; i < count; ++i)
        EXPECT_EQ(runs[static_cast<std::size_t>(i)].load(), 1)
            << "task " << i << " of " << count << " on " << threads << " threads";
    }
  }
}

// Waits (bounded) until `flag` is set; returns whether it was.
bool wait_for(const std::atomic<bool>& flag) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!flag.load()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(ParallelInvoke, RunsTasksOnTwoThreadsAtOnce) {
  ThreadCountGuard guard;
  set_num_threads(2);
  detail::ThreadPool::instance().reset_backoff();
  // Whichever task starts first waits for the other: on one thread this
  // would never end (the wait gives up after 10 s).
  std::atomic<bool> started[2] = {false, false};
  std::atomic<bool> both{true};
  std::thread::id ran_on[2];
  parallel_invoke(2, [&](std::int64_t i) {
    ran_on[i] = std::this_thread::get_id();
    started[i] = true;
    if (!wait_for(started[1 - i])) both = false;
  });
  EXPECT_TRUE(both.load());
  EXPECT_NE(ran_on[0], ran_on[1]);
}

// NOTE [ Home slices ] (tensor/thread_pool.cpp): each thread starts with its
// own slice of a job's chunks, in order, so the same elements land on the same
// thread job after job. A worker's first chunk is never in the caller's slice
// (the caller finishes its own slice before it takes any of the worker's, so
// by the time a worker could find its own slice used up, the caller's is too),
// however the threads are scheduled. With one shared order of chunks, the
// worker took chunk 1.
TEST(ThreadPool, EachThreadStartsWithItsOwnSlice) {
  ThreadCountGuard guard;
  set_num_threads(2);
  detail::ThreadPool::instance().reset_backoff();
  for (int job = 0; job < 20; ++job) {
    std::thread::id ran_on[8];
    std::atomic<int> order{0};
    int position[8];
    parallel_for(0, 8, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        ran_on[i] = std::this_thread::get_id();
        position[i] = order++;
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
    });
    const std::thread::id caller = std::this_thread::get_id();
    int worker_first = 8;
    std::int64_t worker_first_chunk = -1;
    for (int i = 0; i < 8; ++i) {
      if (ran_on[i] != caller && position[i] < worker_first) {
        worker_first = position[i];
        worker_first_chunk = i;
      }
    }
    if (worker_first_chunk >= 0) {
      EXPECT_GE(worker_first_chunk, 4) << "job " << job;
    }
  }
}

// NOTE [ Stolen time ] (tensor/thread_pool.cpp): when the caller waits long
// for a chunk a worker took, the next jobs run on the caller alone for 50 times
// that wait; after the back-off, on several threads again.
TEST(ThreadPool, AfterALateWorkerJobsRunOnTheCallerForAWhile) {
  ThreadCountGuard guard;
  set_num_threads(2);
  auto& pool = detail::ThreadPool::instance();
  pool.reset_backoff();
  const auto caller = std::this_thread::get_id();
  const std::int64_t late_before = pool.stats().late_jobs;
  // A worker that takes a chunk is slow (as if preempted): 2 ms against the
  // caller's 50 us. Repeated until a worker took one (a busy machine may keep
  // the workers off the CPU for a while).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (pool.stats().late_jobs == late_before && std::chrono::steady_clock::now() < give_up) {
    parallel_invoke(4, [&](std::int64_t) {
      if (std::this_thread::get_id() != caller) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      } else {
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
        while (std::chrono::steady_clock::now() < until) {
        }
      }
    });
  }
  ASSERT_EQ(pool.stats().late_jobs, late_before + 1);
  // The caller waited for the worker's 2 ms less the chunks it ran meanwhile
  // (at most three of 50 us): the pause is 50 times that.
  const std::int64_t backoff_ns = pool.stats().last_backoff_ns;
  EXPECT_GE(backoff_ns, 50 * 1'800'000);
  EXPECT_LE(backoff_ns, 1'000'000'000);
  const std::int64_t serial_before = pool.stats().serial_jobs;
  std::atomic<int> elsewhere{0};
  parallel_invoke(4, [&](std::int64_t) {
    if (std::this_thread::get_id() != caller) ++elsewhere;
  });
  EXPECT_EQ(elsewhere.load(), 0);
  EXPECT_EQ(pool.stats().serial_jobs, serial_before + 1);
  // After the back-off two threads run at once again.
  std::this_thread::sleep_for(std::chrono::nanoseconds(backoff_ns) + std::chrono::milliseconds(10));
  std::atomic<bool> started[2] = {false, false};
  std::atomic<bool> both{true};
  parallel_invoke(2, [&](std::int64_t i) {
    started[i] = true;
    if (!wait_for(started[1 - i])) both = false;
  });
  EXPECT_TRUE(both.load());
}

// A child of fork() has none of the parent's workers: its parallel kernels
// start workers of their own, also at another thread count.
TEST(ThreadPool, AForkedChildRunsParallelKernels) {
#ifdef __SANITIZE_THREAD__
  GTEST_SKIP() << "ThreadSanitizer does not support threads started after a multi-threaded fork";
#endif
  ThreadCountGuard guard;
  set_num_threads(2);
  EXPECT_EQ(visits(0, 100000, 16), std::vector<int>(100000, 1));  // the parent's workers exist
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    alarm(20);  // a hang fails the test instead of blocking it
    bool ok = true;
    for (int threads : {2, 3, 1, 2}) {
      set_num_threads(threads);
      std::atomic<std::int64_t> total{0};
      parallel_for(0, 1 << 20, 1 << 10, [&](std::int64_t b, std::int64_t e) { total += e - b; });
      ok = ok && total.load() == (1 << 20);
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
}

TEST(ThreadPool, AnExceptionFromAChunkReachesTheCaller) {
  ThreadCountGuard guard;
  set_num_threads(3);
  EXPECT_THROW(parallel_for(0, 1 << 20, 1 << 10,
                            [](std::int64_t b, std::int64_t) {
                              if (b == 0) throw std::runtime_error("first chunk");
                            }),
               std::runtime_error);
}

TEST(ParallelInvoke, RethrowsTheFirstExceptionAfterEveryTaskRan) {
  ThreadCountGuard guard;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    std::atomic<int> ran{0};
    try {
      parallel_invoke(4, [&](std::int64_t i) {
        ++ran;
        if (i == 1 || i == 3) throw std::runtime_error("task " + std::to_string(i));
      });
      ADD_FAILURE() << "expected an exception on " << threads << " threads";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "task 1");
    }
    EXPECT_EQ(ran.load(), 4) << threads << " threads";
  }
}

TEST(ParallelInvoke, NestedUseRunsInlineOnTheTasksThread) {
  ThreadCountGuard guard;
  set_num_threads(2);
  std::thread::id outer[2], inner[2][3];
  std::atomic<int> inner_runs{0};
  parallel_invoke(2, [&](std::int64_t i) {
    outer[i] = std::this_thread::get_id();
    parallel_invoke(3, [&](std::int64_t j) {
      inner[i][j] = std::this_thread::get_id();
      ++inner_runs;
    });
  });
  EXPECT_EQ(inner_runs.load(), 6);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_EQ(inner[i][j], outer[i]) << "outer " << i << ", inner " << j;
}

TEST(ThreadCountGuard, SetsTheCountForAScopeAndRestoresIt) {
  set_num_threads(2);
  {
    ThreadCountGuard one(1);
    EXPECT_EQ(get_num_threads(), 1);
    {
      ThreadCountGuard keep(0);  // 0 leaves the count alone
      EXPECT_EQ(get_num_threads(), 1);
    }
    EXPECT_EQ(get_num_threads(), 1);
  }
  EXPECT_EQ(get_num_threads(), 2);
}

TEST(ThreadCountGuard, RestoresTheCountWhenTheScopeIsLeftByAnException) {
  set_num_threads(2);
  try {
    ThreadCountGuard three(3);
    EXPECT_EQ(get_num_threads(), 3);
    throw std::runtime_error("leave the scope");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(get_num_threads(), 2);
}

TEST(ThreadCountGuard, RejectsANegativeCountNamingIt) {
  set_num_threads(2);
  try {
    ThreadCountGuard bad(-1);
    FAIL() << "expected nabla::Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("ThreadCountGuard"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("got -1"));
  }
  EXPECT_EQ(get_num_threads(), 2);
}

}  // namespace
}  // namespace nabla
