// ProgressBar: the Keras-style progress display of fit. On a terminal
// (verbose 1) a bar redrawn in place after the batches,
//   Epoch 3/20
//    12/469 [>.............................] - ETA: 3s - loss: 0.5123 - accuracy: 0.8125
// that ends as
//   469/469 [==============================] - 3s 6ms/step - loss: 0.4123 - val_loss: 0.4500
// and, when the output is not a terminal (CI logs) or with verbose 2, one line
// per epoch:
//   Epoch 3/20 - 469/469 - 3s - 6ms/step - loss: 0.4123 - val_loss: 0.4500
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

#include "callbacks/callback.h"

namespace nabla::callbacks {

struct ProgressBarOptions {
  /// Where the bar is written.
  std::ostream* out = &std::cout;
  /// Whether `out` is a terminal, where the bar is redrawn with '\r'. Unset:
  /// isatty() of standard output when out is &std::cout, of standard error
  /// when it is &std::cerr or &std::clog, false for any other stream.
  std::optional<bool> terminal = std::nullopt;
  /// The number of characters between the brackets.
  int width = 30;
  /// The least time between two redraws of the bar; the last batch of an
  /// epoch is always drawn.
  std::chrono::milliseconds interval{50};
  /// The clock of the times and the ETA; std::chrono::steady_clock::now when empty.
  std::function<std::chrono::steady_clock::time_point()> clock = nullptr;
};

/// Shows the progress of fit according to context.verbose (0: nothing, 1: the
/// bar, or one line per epoch when `out` is not a terminal, 2: one line per
/// epoch). With n = context.steps_per_epoch batches, after batch k (1-based):
///   the bar holds ⌊width · k / n⌋ cells, drawn as '=' with a '>' at the head
///   while k < n, and '.' for the rest;
///   the time per step is t / k with t the seconds since the epoch began, the
///   ETA (t / k) · (n − k) seconds, shown as "Ns", "M:SS" beyond a minute and
///   "H:MM:SS" beyond an hour, truncated;
///   the total time is shown as "%.0fs", the time per step in s, ms or us;
///   each value v of the logs (but "batch_size") as "%.4f" when |v| > 1e-3,
///   "%.4e" otherwise (Keras's rule), "nan" for NaN.
/// When steps_per_epoch is 0 (unknown), the count reads "k/Unknown" and the bar
/// is left out.
class ProgressBar : public Callback {
 public:
  /// Throws nabla::Error ("ProgressBar: ...") for a null `out`, a width
  /// outside [1, 1000] and a negative interval.
  explicit ProgressBar(ProgressBarOptions options = {});

  void on_train_begin(TrainContext& context) override;
  void on_epoch_begin(TrainContext& context, std::int64_t epoch) override;
  void on_batch_end(TrainContext& context, std::int64_t batch, const metrics::Logs& logs) override;
  void on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) override;

  /// Whether the bar is redrawn in place (resolved at construction).
  bool terminal() const { return terminal_; }

  /// The text of the bar after `current` of `target` batches (target 0:
  /// unknown) with `seconds` elapsed, followed by `logs`: "12/469 [=>...] -
  /// ETA: 3s - loss: 0.5123" while current < target and not `done`,
  /// "469/469 [====] - 3s 6ms/step - loss: ..." otherwise. No '\r', no newline.
  std::string bar_text(std::int64_t current,
                       std::int64_t target,
                       double seconds,
                       const metrics::Logs& logs,
                       bool done = false) const;

 private:
  std::chrono::steady_clock::time_point now() const;
  double seconds_since_epoch_begin() const;
  void redraw(const std::string& line);

  ProgressBarOptions options_;
  bool terminal_;
  int verbose_ = 1;
  std::int64_t epochs_ = 0;
  std::int64_t steps_ = 0;
  std::int64_t epoch_ = 0;
  std::int64_t seen_ = 0;
  std::chrono::steady_clock::time_point epoch_start_;
  std::optional<std::chrono::steady_clock::time_point> last_draw_;
  std::size_t last_width_ = 0;
};

/// " - ETA: " text of `seconds` as Keras prints it: "7s", "1:05", "1:01:05"
/// (truncated to whole seconds).
std::string format_eta(double seconds);
/// The time per step as Keras prints it: "2s/step" when >= 1 s (or 0), else
/// "6ms/step" when >= 1 ms, else "80us/step".
std::string format_time_per_step(double seconds);
/// A log value as Keras prints it: "%.4f" when |v| > 1e-3, else "%.4e"; "nan",
/// "inf", "-inf" for the special values.
std::string format_log_value(double value);

}  // namespace nabla::callbacks
