// load_model into a small model, strict and not: only nabla::Error may come
// out, and a failed load leaves the model as it was.

#include <cstdint>

#include "checkpoint/model_file.h"
#include "fuzz_input.h"
#include "fuzz_model.h"
#include "state_bytes.h"

using namespace nabla;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile input("input.safetensors");
  const auto& path = input.write(data, size);
  for (bool strict : {true, false}) {
    auto model = fuzz::make_model();
    const StateDict before = model->state_dict().clone();
    bool failed = false;
    fuzz::expect_only_nabla_errors([&] {
      try {
        checkpoint::load_model(path, *model, strict);
      } catch (const Error&) {
        failed = true;
        throw;
      }
    });
    if (failed) {
      fuzz::require(fuzz::same_state(before, model->state_dict()),
                    "a failed load_model changed the model");
    }
  }
  return 0;
}
