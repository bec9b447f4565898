// Errors that say where: a model whose third layer expects the wrong number of
// features, and a layer that takes the log of a negative number under anomaly
// mode. Each nabla::Error keeps its message (with both shapes, or the NaN and
// the op) and adds one line naming the module it was raised in and the line
// of this file that called the model. Exits 1 when an error does not name the
// module and the line it should.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "nabla.h"

namespace {

using namespace nabla;

// A residual-free block: dense(x) followed by a ReLU, with the dense layer
// registered as "dense", so its path inside a Sequential is "<index>.dense".
class Block : public nn::Module {
 public:
  Block(std::int64_t in, std::int64_t out)
      : dense(register_module("dense", std::make_shared<nn::Linear>(in, out))) {}
  Variable forward(const Variable& x) override { return relu(dense(x)); }
  nn::Submodule<nn::Linear> dense;
};

// log(x): NaN for a negative x.
class LogLayer : public nn::Module {
 public:
  Variable forward(const Variable& x) override { return log(x); }
};

bool check(const Error& e, const std::string& path, std::uint_least32_t line) {
  std::printf("%s\n\n", e.what());
  const ErrorContext* where = e.context();
  const bool ok = where != nullptr && where->module_path == path && where->line == line;
  if (!ok) std::printf("expected the path %s and the line %u\n", path.c_str(), line);
  return ok;
}

}  // namespace

int main() {
  bool ok = true;

  // 784 -> 256 -> 128, then a block built for 100 inputs instead of 128.
  nn::Sequential model(nn::Linear(784, 256, {.activation = nn::Activation::relu}),
                       nn::Linear(256, 128, {.activation = nn::Activation::relu}), Block(100, 10));
  const Variable x = randn({32, 784});
  std::uint_least32_t line = __LINE__ + 2;
  try {
    Variable logits = model(x);
    ok = false;  // the shapes were not checked
  } catch (const Error& e) {
    ok = check(e, "2.dense", line) && ok;
  }

  // Anomaly mode: the first NaN of a forward op throws, inside the module
  // that produced it.
  const autograd::AnomalyGuard anomaly;
  nn::Sequential logs{nn::Identity(), LogLayer()};
  line = __LINE__ + 2;
  try {
    Variable y = logs(full({1, 2}, -1.0));
    ok = false;
  } catch (const Error& e) {
    ok = check(e, "1", line) && ok;
  }
  return ok ? 0 : 1;
}
