// Module::load_state_dict of any StateDict (see state_dict_encoding.h) into a
// small model: only nabla::Error may come out; a failed load changes nothing,
// a successful one leaves every tensor it names equal to the given one.

#include <cstdint>

#include "fuzz_input.h"
#include "fuzz_model.h"
#include "state_bytes.h"
#include "state_dict_encoding.h"

using namespace nabla;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto model = fuzz::make_model();
  const StateDict before = model->state_dict().clone();
  fuzz::ByteReader in(data, size);
  fuzz::expect_only_nabla_errors([&] {
    const fuzz::EncodedState encoded = fuzz::decode_state(in, before);
    bool failed = false;
    fuzz::expect_only_nabla_errors([&] {
      try {
        model->load_state_dict(encoded.state, encoded.strict);
      } catch (const Error&) {
        failed = true;
        throw;
      }
    });
    if (failed) {
      fuzz::require(fuzz::same_state(before, model->state_dict()),
                    "a failed load_state_dict changed the model");
      return;
    }
    for (const auto& [key, value] : model->state_dict()) {
      const Tensor* given = encoded.state.find(key);
      const std::string expected = fuzz::tensor_bytes(given != nullptr ? *given : before.at(key));
      fuzz::require(fuzz::tensor_bytes(value) == expected,
                    "after load_state_dict a tensor differs from the one given (or, absent, "
                    "from the one before)");
    }
  });
  return 0;
}
