// load_safetensors on any bytes: only nabla::Error may come out, with a
// message of bounded size; a file that loads saves and loads back unchanged.

#include <cstdint>
#include <cstring>
#include <optional>

#include "checkpoint/safetensors.h"
#include "fuzz_input.h"
#include "state_bytes.h"

using namespace nabla;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile input("input.safetensors");
  const auto& path = input.write(data, size);
  std::optional<checkpoint::SafetensorsFile> file;
  fuzz::expect_only_nabla_errors([&] { file = checkpoint::load_safetensors(path); });
  // What loads must survive a round trip: nothing read may be unwritable.
  // Big inputs (the 20,000-tensor seed) add nothing to it but time.
  if (!file || size > (std::size_t{1} << 18)) return 0;
  const auto copy = input.sibling("copy.safetensors");
  try {
    checkpoint::save_safetensors(copy, file->tensors, file->metadata);
    const checkpoint::SafetensorsFile again = checkpoint::load_safetensors(copy);
    fuzz::require(fuzz::same_state(file->tensors, again.tensors),
                  "a loaded file saved and loaded again has other tensors");
    fuzz::require(file->metadata == again.metadata,
                  "a loaded file saved and loaded again has other metadata");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FINDING: the round trip of a loaded file threw: %s\n", e.what());
    std::abort();
  }
  return 0;
}
