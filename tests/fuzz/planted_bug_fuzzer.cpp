// A target with planted bugs, run by the CTests of tests/fuzz/CMakeLists.txt
// to show that the harness reports each kind of finding instead of swallowing
// it: an input starting with "overflow" reads past a heap buffer,
// "exception" throws an exception other than nabla::Error, "message" throws
// a nabla::Error with a 1 MB message, "leak" leaks memory, "property" breaks
// a checked property. "error" throws an ordinary nabla::Error, which is
// accepted; so is anything else.

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"

namespace {

bool starts_with(const std::uint8_t* data, std::size_t size, std::string_view prefix) {
  return size >= prefix.size() && std::memcmp(data, prefix.data(), prefix.size()) == 0;
}

// Opaque to the optimizer, so that the planted read is not folded away.
volatile std::size_t g_index = 0;
void* volatile g_leaked = nullptr;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nabla::fuzz::expect_only_nabla_errors([&] {
    if (starts_with(data, size, "overflow")) {
      std::vector<std::uint8_t> buffer(size);
      g_index = size;  // one past the end
      if (buffer[g_index] == 42) std::fprintf(stderr, "unreachable\n");
    } else if (starts_with(data, size, "exception")) {
      throw std::out_of_range("planted");
    } else if (starts_with(data, size, "message")) {
      throw nabla::Error("planted: " + std::string(1 << 20, 'x'));
    } else if (starts_with(data, size, "leak")) {
      g_leaked = new char[1000];
      g_leaked = nullptr;
    } else if (starts_with(data, size, "property")) {
      nabla::fuzz::require(false, "planted property violation");
    } else if (starts_with(data, size, "error")) {
      throw nabla::Error("planted: an ordinary error");
    }
  });
  return 0;
}
