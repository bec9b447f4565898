// Tools that make the backward pass visible while it runs:
// - the backward trace prints every node as the engine runs it: the op, the
//   shapes, the incoming gradient (its norm, and its values when small) and
//   the gradient sent to each input. Turn it on per call
//   (BackwardOptions::trace) or for a scope (TraceGuard).
// - anomaly mode makes the first NaN or Inf produced in a forward op or a
//   backward rule throw a nabla::Error naming the op, the Variables, the
//   module that recorded it (Node::scope()) and the place in the graph.
// Explain mode (explain.h) is the trace written out for learners.
#pragma once

#include <iosfwd>

namespace nabla::autograd {

/// Prints the backward passes started in its scope (on this thread) to `out`.
class TraceGuard {
 public:
  explicit TraceGuard(std::ostream& out);
  ~TraceGuard();
  TraceGuard(const TraceGuard&) = delete;
  TraceGuard& operator=(const TraceGuard&) = delete;

 private:
  std::ostream* previous_;
};

/// The stream the current TraceGuard prints to, or null.
std::ostream* trace_stream();

/// Turns anomaly detection on or off (process-wide; it slows every op down).
void set_anomaly_enabled(bool enabled);
bool is_anomaly_enabled();

/// Enables anomaly detection for its scope and restores the previous setting.
class AnomalyGuard {
 public:
  explicit AnomalyGuard(bool enabled = true);
  ~AnomalyGuard();
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace nabla::autograd
