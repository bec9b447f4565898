// What every fuzz target shares: the rule that only nabla::Error may leave a
// loader (anything else aborts, which libFuzzer reports as a finding), a file
// holding the current input for loaders that read paths, and a reader of the
// input's leading bytes for the options a target varies.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "tensor/error.h"

namespace nabla::fuzz {

/// The longest error message a loader may give. docs/reliability.md promises
/// bounded messages (names and values quoted in part, at most 20 problems
/// listed), a few kilobytes whatever the file holds.
inline constexpr std::size_t kMaxMessageBytes = 16 * 1024;

/// Runs `f`; a nabla::Error is the expected outcome of a bad input and is
/// swallowed, if its message is of bounded size. Any other exception is a
/// finding: printed, then abort(), so that libFuzzer stops and keeps the
/// input. (An exception escaping the target would abort too, but without
/// saying what it was.)
template <class F>
void expect_only_nabla_errors(F&& f) {
  try {
    f();
  } catch (const nabla::Error& e) {
    const std::string_view message = e.what();
    if (message.size() > kMaxMessageBytes) {
      std::fprintf(stderr, "FINDING: an error message of %zu bytes: %.400s ...\n", message.size(),
                   e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FINDING: an exception that is not a nabla::Error: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "FINDING: an exception that is not a std::exception\n");
    std::abort();
  }
}

/// Aborts with `what` when `ok` is false: a property a successful load must
/// have (a round trip that changes the data, say).
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "FINDING: %s\n", what);
  std::abort();
}

/// A file holding the current input, for loaders that take a path. One per
/// process, in memory (/dev/shm) when possible: it is rewritten for every
/// input. Removed with its directory at exit; the directories of fuzzers that
/// ended without exiting (a finding aborts, a timeout kills) are removed by
/// the next one that starts.
class InputFile {
 public:
  explicit InputFile(std::string_view name) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path base =
        fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    remove_orphans(base);
    dir_ = base / (std::string(kPrefix) + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = dir_ / std::string(name);
  }
  ~InputFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Writes `bytes` as the file's whole content and returns its path.
  const std::filesystem::path& write(const std::uint8_t* bytes, std::size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    if (!out) {  // the directory was swept (another fuzzer that cannot see this pid)
      std::error_code ignored;
      std::filesystem::create_directories(dir_, ignored);
      out.open(path_, std::ios::binary | std::ios::trunc);
    }
    out.write(reinterpret_cast<const char*>(bytes), static_cast<std::streamsize>(size));
    out.close();
    require(static_cast<bool>(out), "cannot write the input file");
    return path_;
  }
  const std::filesystem::path& path() const { return path_; }
  /// A second file in the same directory (e.g. for a round trip).
  std::filesystem::path sibling(std::string_view name) const { return dir_ / std::string(name); }

 private:
  static constexpr std::string_view kPrefix = "nabla-fuzz-";

  // Removes base/nabla-fuzz-<pid> of every pid that no longer runs.
  static void remove_orphans(const std::filesystem::path& base) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(kPrefix, 0) != 0) continue;
      const long pid = std::strtol(name.c_str() + kPrefix.size(), nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        std::error_code ignored;
        std::filesystem::remove_all(entry.path(), ignored);
      }
    }
  }

  std::filesystem::path dir_, path_;
};

/// Takes bytes off the front of an input; past its end every byte reads 0.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  /// A value in [0, n) for n > 0.
  std::size_t below(std::size_t n) { return byte() % n; }
  bool flag() { return (byte() & 1) != 0; }
  /// Up to `n` bytes (fewer at the end) as a string.
  std::string bytes(std::size_t n) {
    n = n < remaining() ? n : remaining();
    std::string out(reinterpret_cast<const char*>(data_ + at_), n);
    at_ += n;
    return out;
  }
  std::size_t remaining() const { return size_ - at_; }
  const std::uint8_t* rest() const { return data_ + at_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace nabla::fuzz
