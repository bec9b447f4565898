// A training loop with gradient clipping and a learning-rate warm-up
// (optim::LinearLR), its optimizer and schedule saved and resumed, and a
// metric-driven schedule (optim::ReduceLROnPlateau): docs/optim.md's example.
// Exits 1 when the fit, the resumed state or the plateau's lr is not what the
// page says.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "nabla.h"

using namespace nabla;

int main() {
  // Data: t = x·[2, −1, 0.5] + 0.3 + noise, 256 samples in batches of 32.
  Generator gen(42);
  Tensor x = randn({256, 3}, gen);
  Tensor w_true = from_vector(std::vector<float>{2.0f, -1.0f, 0.5f}, {3, 1});
  Tensor t = matmul(x, w_true) + 0.3 + 0.1 * randn({256, 1}, gen);

  Variable w(zeros({3, 1}), true), b(zeros({1}), true);
  optim::Adagrad opt(optim::NamedParameters{{"w", w}, {"b", b}}, {.lr = 0.5});
  optim::LinearLR warmup(opt, {.start_factor = 0.1, .total_iters = 3});  // epochs 0-2 warm up

  double epoch_loss = 0.0;
  for (int epoch = 0; epoch < 10; ++epoch) {
    epoch_loss = 0.0;
    for (std::int64_t start = 0; start < 256; start += 32) {
      Tensor xb = slice(x, 0, start, start + 32), tb = slice(t, 0, start, start + 32);
      Variable loss = mean(square(linear(xb, w, b) - tb));
      opt.zero_grad();
      loss.backward();
      optim::clip_grad_norm_({w, b}, /*max_norm=*/5.0);
      opt.step();
      epoch_loss += loss.item<double>() / 8.0;
    }
    std::cout << "epoch " << epoch << "  lr " << opt.lr() << "  loss " << epoch_loss << "\n";
    warmup.step();  // once per epoch, after the optimizer steps
  }

  // Resuming: save both state dicts, load both into fresh objects.
  StateDict opt_state = opt.state_dict(), sched_state = warmup.state_dict();
  optim::Adagrad opt2(optim::NamedParameters{{"w", w}, {"b", b}}, {.lr = 0.5});
  optim::LinearLR warmup2(opt2, {.start_factor = 0.1, .total_iters = 3});
  opt2.load_state_dict(opt_state);
  warmup2.load_state_dict(sched_state);
  std::cout << "resumed at epoch " << warmup2.last_epoch() << " with lr " << opt2.lr() << "\n";

  // A metric-driven schedule: call step(metric) once per epoch.
  optim::ReduceLROnPlateau plateau(opt2, {.factor = 0.5, .patience = 2});
  for (double val_loss : {1.0, 0.9, 0.95, 0.93, 0.92}) plateau.step(val_loss);
  std::cout << "after a plateau: lr " << opt2.lr() << "\n";

  // The noise has variance 0.01; the warm-up ends at lr 0.5, the plateau halves it.
  if (!(epoch_loss < 0.05) || warmup2.last_epoch() != 10 || opt2.lr() != 0.25) {
    std::printf("unexpected: loss %g, last_epoch %lld, lr %g\n", epoch_loss,
                static_cast<long long>(warmup2.last_epoch()), opt2.lr());
    return 1;
  }
  return 0;
}
