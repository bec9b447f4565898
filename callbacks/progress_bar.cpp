#include "callbacks/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "tensor/error.h"

namespace nabla::callbacks {

namespace {

// Only the standard streams have a known file descriptor; any other stream
// (a file, a string) is not a terminal.
bool is_terminal(const std::ostream* out) {
  if (out == &std::cout) return ::isatty(STDOUT_FILENO) != 0;
  if (out == &std::cerr || out == &std::clog) return ::isatty(STDERR_FILENO) != 0;
  return false;
}

std::string printf_double(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

int digits(std::int64_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

void append_logs(std::string& text, const metrics::Logs& logs) {
  for (const auto& [key, value] : logs) {
    if (key == "batch_size") continue;
    text += " - " + key + ": " + format_log_value(value);
  }
}

}  // namespace

std::string format_eta(double seconds) {
  // Python's "%d" truncates; so does the integer conversion.
  const auto s = static_cast<long long>(std::max(seconds, 0.0));
  char buffer[64];
  if (s > 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld:%02lld", s / 3600, (s % 3600) / 60, s % 60);
  } else if (s > 60) {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", s);
  }
  return buffer;
}

std::string format_time_per_step(double seconds) {
  if (seconds >= 1.0 || seconds == 0.0) return printf_double("%.0fs/step", seconds);
  if (seconds >= 1e-3) return printf_double("%.0fms/step", seconds * 1e3);
  return printf_double("%.0fus/step", seconds * 1e6);
}

std::string format_log_value(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return printf_double(std::abs(value) > 1e-3 ? "%.4f" : "%.4e", value);
}

ProgressBar::ProgressBar(ProgressBarOptions options)
    : options_(std::move(options)), terminal_(false) {
  NABLA_CHECK(options_.out != nullptr, "ProgressBar", "out must not be null");
  NABLA_CHECK(options_.width >= 1 && options_.width <= 1000, "ProgressBar",
              "invalid width: ", options_.width, " (must be in [1, 1000])");
  NABLA_CHECK(options_.interval.count() >= 0, "ProgressBar",
              "invalid interval: ", options_.interval.count(), " ms (must be >= 0)");
  terminal_ = options_.terminal ? *options_.terminal : is_terminal(options_.out);
}

std::chrono::steady_clock::time_point ProgressBar::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

double ProgressBar::seconds_since_epoch_begin() const {
  return std::chrono::duration<double>(now() - epoch_start_).count();
}

std::string ProgressBar::bar_text(std::int64_t current,
                                  std::int64_t target,
                                  double seconds,
                                  const metrics::Logs& logs,
                                  bool done) const {
  std::string text;
  char buffer[96];
  if (target > 0) {
    std::snprintf(buffer, sizeof(buffer), "%*lld/%lld [", digits(target),
                  static_cast<long long>(current), static_cast<long long>(target));
    text = buffer;
    const double fraction = std::min(static_cast<double>(current) / target, 1.0);
    const int filled = static_cast<int>(options_.width * fraction);
    if (filled > 0) {
      text.append(filled - 1, '=');
      text += current < target ? '>' : '=';
    }
    text.append(options_.width - filled, '.');
    text += ']';
  } else {
    std::snprintf(buffer, sizeof(buffer), "%7lld/Unknown", static_cast<long long>(current));
    text = buffer;
  }
  const double per_step = current > 0 ? seconds / current : 0.0;
  if (!done && target > 0 && current < target) {
    text += " - ETA: " + format_eta(per_step * (target - current));
  } else {
    text += printf_double(" - %.0fs ", seconds) + format_time_per_step(per_step);
  }
  append_logs(text, logs);
  return text;
}

void ProgressBar::redraw(const std::string& line) {
  std::ostream& out = *options_.out;
  out << '\r' << line;
  // Blank out what is left of a longer previous line.
  if (line.size() < last_width_) out << std::string(last_width_ - line.size(), ' ');
  last_width_ = line.size();
  out.flush();
}

void ProgressBar::on_train_begin(TrainContext& context) {
  verbose_ = context.verbose;
  epochs_ = context.epochs;
  steps_ = context.steps_per_epoch;
}

void ProgressBar::on_epoch_begin(TrainContext& context, std::int64_t epoch) {
  verbose_ = context.verbose;
  epochs_ = context.epochs;
  steps_ = context.steps_per_epoch;
  epoch_ = epoch;
  seen_ = 0;
  last_draw_.reset();
  last_width_ = 0;
  epoch_start_ = now();
  if (verbose_ == 1 && terminal_) {
    *options_.out << "Epoch " << epoch + 1 << '/' << epochs_ << '\n';
    options_.out->flush();
  }
}

void ProgressBar::on_batch_end(TrainContext& /*context*/,
                               std::int64_t batch,
                               const metrics::Logs& logs) {
  seen_ = batch + 1;
  if (verbose_ != 1 || !terminal_) return;
  const auto time = now();
  const bool last = steps_ > 0 && seen_ >= steps_;
  if (!last && last_draw_ && time - *last_draw_ < options_.interval) return;
  last_draw_ = time;
  const double seconds = std::chrono::duration<double>(time - epoch_start_).count();
  redraw(bar_text(seen_, steps_, seconds, logs));
}

void ProgressBar::on_epoch_end(TrainContext& /*context*/,
                               std::int64_t epoch,
                               const metrics::Logs& logs) {
  if (verbose_ <= 0) return;
  const double seconds = seconds_since_epoch_begin();
  std::ostream& out = *options_.out;
  if (verbose_ == 1 && terminal_) {
    // The final bar counts the batches run, which is fewer than steps_ when
    // a callback stopped the epoch early.
    redraw(bar_text(seen_, steps_, seconds, logs, /*done=*/true));
    out << '\n';
  } else {
    std::string line = "Epoch " + std::to_string(epoch + 1) + '/' + std::to_string(epochs_) +
                       " - " + std::to_string(seen_) + '/' +
                       (steps_ > 0 ? std::to_string(steps_) : std::string("Unknown")) +
                       printf_double(" - %.0fs - ", seconds) +
                       format_time_per_step(seen_ > 0 ? seconds / seen_ : 0.0);
    append_logs(line, logs);
    out << line << '\n';
  }
  out.flush();
}

}  // namespace nabla::callbacks
