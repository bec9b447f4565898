// load_training_state into a small model with Adam (AMSGrad) or SGD
// (momentum): only nabla::Error may come out, and a failed load leaves the
// model, the optimizer, the generators and the history as they were.

#include <cstdint>
#include <memory>
#include <vector>

#include "checkpoint/training_state.h"
#include "fuzz_input.h"
#include "fuzz_model.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "state_bytes.h"
#include "tensor/random.h"

using namespace nabla;

namespace {

/// What a failed load must leave untouched, as comparable values.
struct Snapshot {
  StateDict model, optimizer;
  std::vector<std::uint64_t> generators;
  std::vector<std::int64_t> epochs;

  Snapshot(const nn::Module& m, const optim::Optimizer& o, const metrics::History& h)
      : model(m.state_dict().clone()), optimizer(o.state_dict().clone()), epochs(h.epochs()) {
    generators = {default_generator().initial_seed(), default_generator().offset()};
    for (const auto& [path, module] : m.named_modules())
      for (const auto& [name, gen] : module->named_generators())
        generators.insert(generators.end(), {gen->initial_seed(), gen->offset()});
  }
  bool operator==(const Snapshot& o) const {
    return fuzz::same_state(model, o.model) && fuzz::same_state(optimizer, o.optimizer) &&
           generators == o.generators && epochs == o.epochs;
  }
};

void load_into(const std::filesystem::path& path, bool sgd) {
  auto model = fuzz::make_model();
  std::unique_ptr<optim::Optimizer> optimizer;
  if (sgd)
    optimizer = std::make_unique<optim::SGD>(model->named_parameters(),
                                             optim::SGDOptions{.lr = 0.1, .momentum = 0.9});
  else
    optimizer = std::make_unique<optim::Adam>(model->named_parameters(),
                                              optim::AdamOptions{.amsgrad = true});
  metrics::History history;
  history.append(0, {});
  const Snapshot before(*model, *optimizer, history);
  bool failed = false;
  fuzz::expect_only_nabla_errors([&] {
    try {
      checkpoint::load_training_state(path, *model, *optimizer, history);
    } catch (const Error&) {
      failed = true;
      throw;
    }
  });
  if (failed) {
    fuzz::require(Snapshot(*model, *optimizer, history) == before,
                  "a failed load_training_state changed the model, optimizer, generators or "
                  "history");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile input("input.safetensors");
  const auto& path = input.write(data, size);
  load_into(path, false);
  load_into(path, true);
  return 0;
}
