// load_safetensors and save_safetensors at the limits of what a file may
// hold: values nested a hundred thousand levels deep, megabyte-long values
// and names, a hundred thousand bad entries (all with bounded error
// messages), two hundred thousand tensors, and the temporary files a killed
// writer leaves behind.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_test_util.h"
#include "checkpoint/safetensors.h"
#include "safetensors_bytes.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::checkpoint {
namespace {

namespace fs = std::filesystem;
using testing::expect_error;
using testing::TempDir;
using testing::u64_le;
using testing::write_bytes;

// An error message quotes at most a few dozen bytes of any value or name and
// lists at most a few dozen problems.
constexpr std::size_t kMaxMessage = 4096;

/// Writes a file of `header` and no data, loads it and returns the error.
std::string load_error(const fs::path& path, const std::string& header) {
  write_bytes(path, u64_le(header.size()) + header);
  try {
    load_safetensors(path);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected load_safetensors to fail";
  return "";
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(SafetensorsLimits, DeeplyNestedValuesGiveABoundedMessage) {
  TempDir dir;
  const fs::path path = dir / "deep.safetensors";
  const std::string deep = nested_arrays(100'000);
  // Where an entry, a field or a metadata string is expected.
  for (const std::string& header :
       {"{\"a\":" + deep + "}",
        "{\"a\":{\"dtype\":" + deep + ",\"shape\":[],\"data_offsets\":[0,0]}}",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":" + deep + ",\"data_offsets\":[0,0]}}",
        "{\"__metadata__\":{\"k\":" + deep + "}}", "{\"__metadata__\":" + deep + "}"}) {
    const std::string message = load_error(path, header);
    EXPECT_LT(message.size(), kMaxMessage);
    EXPECT_NE(message.find("load_safetensors"), std::string::npos);
    EXPECT_NE(message.find("[[[["), std::string::npos) << message;
  }
}

TEST(SafetensorsLimits, HugeValuesAndNamesAreQuotedInPart) {
  TempDir dir;
  const fs::path path = dir / "huge.safetensors";
  const std::string big(10'000'000, 'x');
  std::string message = load_error(path, "{\"a\":\"" + big + "\"}");
  EXPECT_LT(message.size(), kMaxMessage);
  EXPECT_NE(message.find("tensor 'a': expected an object, got \"xxxx"), std::string::npos);

  message = load_error(path, "{\"" + big + "\":1}");
  EXPECT_LT(message.size(), kMaxMessage);
  EXPECT_NE(message.find("10000000 bytes"), std::string::npos) << message;

  message =
      load_error(path, "{\"a\":{\"dtype\":\"" + big + "\",\"shape\":[],\"data_offsets\":[0,0]}}");
  EXPECT_LT(message.size(), kMaxMessage);
  EXPECT_NE(message.find("unknown dtype 'xxx"), std::string::npos) << message;

  // Invalid JSON: the parser's message quotes the token it last read.
  message = load_error(path, "{\"a\":\"" + big);
  EXPECT_LT(message.size(), kMaxMessage);
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;

  // Multi-byte characters are never cut in half.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // é
  message = load_error(path, "{\"" + accents + "\":1}");
  const std::size_t quote = message.find("tensor '") + 8;
  const std::size_t dots = message.find("...", quote);
  ASSERT_NE(dots, std::string::npos) << message;
  EXPECT_EQ((dots - quote) % 2, 0u) << message;
}

TEST(SafetensorsLimits, ManyBadEntriesAreCountedNotAllListed) {
  TempDir dir;
  const fs::path path = dir / "many.safetensors";
  std::string header = "{";
  for (int i = 0; i < 100'000; ++i) header += (i ? ",\"t" : "\"t") + std::to_string(i) + "\":1";
  header += "}";
  const std::string message = load_error(path, header);
  EXPECT_LT(message.size(), kMaxMessage);
  EXPECT_NE(message.find("100000 problems"), std::string::npos);
  EXPECT_NE(message.find("tensor 't0': expected an object, got 1"), std::string::npos);
  EXPECT_NE(message.find("... and 99980 more"), std::string::npos) << message;
}

// Loading N tensors is O(N log N): 200,000 load in about a second (see
// docs/reliability.md for the figures); a quadratic loader took minutes.
TEST(SafetensorsLimits, TwoHundredThousandTensorsRoundTrip) {
  TempDir dir;
  const fs::path path = dir / "wide.safetensors";
  constexpr int kTensors = 200'000;
  StateDict tensors;
  for (int i = 0; i < kTensors; ++i)
    tensors.insert("layer" + std::to_string(i) + ".w", full({i % 3}, static_cast<double>(i)));
  save_safetensors(path, tensors);
  const SafetensorsFile file = load_safetensors(path);
  ASSERT_EQ(file.tensors.size(), static_cast<std::size_t>(kTensors));
  // In the order of their data offsets; the empty ones keep the file's order.
  EXPECT_EQ(file.tensors.begin()->first, "layer0.w");
  EXPECT_EQ(file.tensors.at("layer199999.w").to_vector<float>(), (std::vector<float>{199999.0f}));
  EXPECT_EQ(file.tensors.at("layer7.w").to_vector<float>(), (std::vector<float>{7.0f}));
}

// A dead process's id: a child that has exited and been waited for.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(SafetensorsLimits, ASaveRemovesTheTemporaryFilesOfDeadWriters) {
  TempDir dir;
  const fs::path path = dir / "model.safetensors";
  const std::string dead = std::to_string(dead_pid());
  const std::string self = std::to_string(::getpid());
  const std::string alive = std::to_string(::getppid());
  for (const std::string& name : std::vector<std::string>{
           "model.safetensors.tmp-" + dead + "-0", "model.safetensors.tmp-" + dead + "-17",
           "model.safetensors.tmp-" + self + "-999999", "model.safetensors.tmp-" + alive + "-3",
           "model.safetensors.tmp-notes", "other.safetensors.tmp-" + dead + "-0"})
    write_bytes(dir / name, std::string(100, 'x'));
  StateDict tensors;
  tensors.insert("w", full({2}, 1.0));
  save_safetensors(path, tensors);
  std::vector<std::string> left = dir.entries();
  std::sort(left.begin(), left.end());
  std::vector<std::string> expected = {"model.safetensors", "model.safetensors.tmp-" + alive + "-3",
                                       "model.safetensors.tmp-notes",
                                       "other.safetensors.tmp-" + dead + "-0"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(left, expected);
  EXPECT_EQ(load_safetensors(path).tensors.at("w").to_vector<float>(), (std::vector<float>{1, 1}));

  // A relative path (the directory is ".") finds them too.
  write_bytes(dir / ("model.safetensors.tmp-" + dead + "-1"), "x");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path());
  save_safetensors("model.safetensors", tensors);
  fs::current_path(cwd);
  EXPECT_FALSE(fs::exists(dir / ("model.safetensors.tmp-" + dead + "-1")));
}

}  // namespace
}  // namespace nabla::checkpoint
