// Durability of checkpoint writes: a writer killed with SIGKILL at any moment
// (before its first save, in the middle of writing the data, between the
// flush and the rename, between two saves) leaves the previous checkpoint at
// the path, complete and loadable, and the next successful save removes the
// temporary files the killed writers left behind.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "autograd/grad_mode.h"
#include "checkpoint/training_state.h"
#include "metrics/history.h"
#include "nn/linear.h"
#include "optim/sgd.h"
#include "temp_dir.h"
#include "tensor/parallel.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using nabla::testing::TempDir;

// A 512 x 1024 f32 weight: a 2 MB file. Writing and flushing it takes long
// enough that most kills land inside a save rather than between two.
constexpr std::int64_t kIn = 512;
constexpr std::int64_t kOut = 1024;
constexpr int kKills = 60;

/// Version v of the checkpoint: every weight v, every bias −v, next epoch v.
/// A file mixing two versions (a header of one, data of another) shows.
void set_version(nn::Linear& model, std::int64_t v) {
  NoGradGuard no_grad;
  model.weight.value().fill_(static_cast<double>(v));
  model.bias.value().fill_(-static_cast<double>(v));
}

/// The temporary files in `dir` that the writer `pid` left.
int count_temp_files(const TempDir& dir, pid_t pid) {
  const std::string mark = ".tmp-" + std::to_string(pid) + "-";
  const std::vector<std::string> names = dir.entries();
  return static_cast<int>(std::count_if(names.begin(), names.end(), [&](const std::string& name) {
    return name.find(mark) != std::string::npos;
  }));
}

/// The child: saves versions first, first + 1, ... until it is killed, and
/// writes each version to `done_fd` once its save has returned.
[[noreturn]] void write_until_killed(
    const fs::path& path, nn::Linear& model, optim::SGD& sgd, std::int64_t first, int done_fd) {
  // Dies with the test process, should that fail before killing it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  try {
    const metrics::History history;
    for (std::int64_t v = first;; ++v) {
      set_version(model, v);
      save_training_state(path, model, sgd, v, history);
      if (::write(done_fd, &v, sizeof v) != sizeof v) break;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writer: %s\n", e.what());
  }
  // _exit: the child must not run the test framework's or the sanitizers'
  // exit code (the parent reports); exit code 3 marks a failed save.
  ::_exit(3);
}

/// A forked writer, killed and reaped when the object ends, whatever the
/// test's assertions did, so that no process outlives the test; and the read
/// end of the pipe it reports its finished saves on.
class Writer {
 public:
  Writer(pid_t pid, int done_fd) : pid_(pid), done_fd_(done_fd) {}
  ~Writer() {
    kill_and_wait();
    ::close(done_fd_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Waits until the writer has finished a save (or has died); returns false
  /// when it died first.
  bool wait_for_a_save() {
    std::int64_t v = 0;
    if (!read_version(v)) return false;
    last_saved_ = v;
    return true;
  }

  /// Kills the writer with SIGKILL and returns its wait status.
  int kill_and_wait() {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    // The versions reported before it died (the pipe ends when it does).
    for (std::int64_t v = 0; read_version(v);) last_saved_ = v;
    return status_;
  }

  /// The last version the writer reported saved, or -1.
  std::int64_t last_saved() const { return last_saved_; }

 private:
  bool read_version(std::int64_t& v) {
    char* p = reinterpret_cast<char*>(&v);
    std::size_t got = 0;
    while (got < sizeof v) {
      const ssize_t n = ::read(done_fd_, p + got, sizeof v - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  }

  pid_t pid_;
  int done_fd_;
  int status_ = 0;
  std::int64_t last_saved_ = -1;
};

TEST(Durability, KilledWriterLeavesThePreviousCheckpoint) {
  // One kernel thread: the writers are killed at random moments, and the
  // test is about the file, not the threads (a child of fork() runs its
  // parallel kernels on its own workers: tensor/thread_pool.cpp).
  const ThreadCountGuard one_thread(1);
  TempDir dir;
  const fs::path path = dir / "state.safetensors";
  nn::Linear model(kIn, kOut);
  optim::SGD sgd(model.named_parameters(), {.lr = 0.1});
  const metrics::History empty_history;

  // Version 0, and the time of one save, to spread the kills across a save.
  set_version(model, 0);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) save_training_state(path, model, sgd, 0, empty_history);
  const auto save_time = (std::chrono::steady_clock::now() - start) / 3;
  std::mt19937_64 rng(20261207);
  std::uniform_int_distribution<std::int64_t> delay_ns(
      0, 2 * std::chrono::duration_cast<std::chrono::nanoseconds>(save_time).count());

  nn::Linear loaded(kIn, kOut);
  optim::SGD loaded_sgd(loaded.named_parameters(), {.lr = 0.1});
  std::int64_t last = 0;  // the version the file held after the previous kill
  int interrupted = 0;    // kills that left a temporary file behind
  for (int n = 0; n < kKills; ++n) {
    const std::int64_t first = last + 1;  // the first version this writer saves
    int done[2];
    ASSERT_EQ(::pipe(done), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(done[0]);
      write_until_killed(path, model, sgd, first, done[1]);
    }
    ::close(done[1]);
    Writer writer(pid, done[0]);
    ASSERT_GT(pid, 0) << "fork failed";
    // Every other writer is killed after it has finished a save, so that
    // saves complete whatever the speed of the disk and the load of the
    // machine; the others may die before their first. Either way the kill
    // comes after a random delay of up to two save times.
    if (n % 2 == 1) {
      ASSERT_TRUE(writer.wait_for_a_save()) << "the writer died before its first save";
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(delay_ns(rng)));
    const int status = writer.kill_and_wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer ended by itself (exit code 3: a save failed, see stderr)";
    if (count_temp_files(dir, pid) > 0) ++interrupted;

    set_version(loaded, -1);  // a value no save writes
    metrics::History history;
    std::int64_t v = -1;
    ASSERT_NO_THROW(v = load_training_state(path, loaded, loaded_sgd, history))
        << "after kill " << n;
    // The file is a complete version: never older than the last one a save
    // reported finished (nor than before this writer).
    ASSERT_GE(v, std::max(last, writer.last_saved())) << "after kill " << n;
    const std::vector<float> w = loaded.weight.value().to_vector<float>();
    const std::vector<float> b = loaded.bias.value().to_vector<float>();
    ASSERT_TRUE(
        std::all_of(w.begin(), w.end(), [v](float x) { return x == static_cast<float>(v); }))
        << "weights of another version than next_epoch = " << v << " after kill " << n;
    ASSERT_TRUE(
        std::all_of(b.begin(), b.end(), [v](float x) { return x == -static_cast<float>(v); }))
        << "biases of another version than next_epoch = " << v << " after kill " << n;
    last = v;
  }
  // Most kills land inside a save (a writer does little else): the test did
  // interrupt writes.
  EXPECT_GT(interrupted, 0);
  EXPECT_GE(last, kKills / 2);

  // The next successful save removes what the killed writers left.
  set_version(model, last + 1);
  save_training_state(path, model, sgd, last + 1, empty_history);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"state.safetensors"});
  metrics::History history;
  EXPECT_EQ(load_training_state(path, loaded, loaded_sgd, history), last + 1);
  std::printf("%d kills, %d inside a save, %lld versions completed; one save %.1f ms\n", kKills,
              interrupted, static_cast<long long>(last),
              std::chrono::duration<double, std::milli>(save_time).count());
}

}  // namespace
}  // namespace nabla::checkpoint
