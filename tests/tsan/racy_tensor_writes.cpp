// A deliberate data race: two threads add to one tensor's elements with
// nothing ordering their writes. The ThreadSanitizer build runs it and expects
// ThreadSanitizer's report: the proof that `make tsan` sees a race in nabla's
// own kernels, so that its silence on the other tests means something.

#include <thread>

#include "tensor/factory.h"
#include "tensor/tensor.h"

int main() {
  nabla::Tensor t = nabla::zeros({64});
  const auto add_ones = [&t] {
    for (int i = 0; i < 100; ++i) t.add_(1.0);
  };
  std::thread a(add_ones);
  std::thread b(add_ones);
  a.join();
  b.join();
  return 0;
}
