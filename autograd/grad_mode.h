// Grad mode: whether operations on Variables record a graph. NoGradGuard turns
// recording off for a scope (evaluation, optimizer updates); guards nest.
// The flag is per thread, like PyTorch's.
#pragma once

namespace nabla {

namespace detail {
inline thread_local bool grad_enabled = true;
}  // namespace detail

/// Returns true when operations on Variables record the graph (the default).
inline bool is_grad_enabled() {
  return detail::grad_enabled;
}

/// Turns recording on or off for the calling thread. Prefer the guards below.
inline void set_grad_enabled(bool enabled) {
  detail::grad_enabled = enabled;
}

/// Sets grad mode for the lifetime of the guard and restores the previous mode.
class GradModeGuard {
 public:
  explicit GradModeGuard(bool enabled) : previous_(is_grad_enabled()) { set_grad_enabled(enabled); }
  ~GradModeGuard() { set_grad_enabled(previous_); }
  GradModeGuard(const GradModeGuard&) = delete;
  GradModeGuard& operator=(const GradModeGuard&) = delete;

 private:
  bool previous_;
};

/// Operations inside the guard's scope record nothing: their results are
/// constants with no grad_fn, and they cost no more than the tensor op.
class NoGradGuard : public GradModeGuard {
 public:
  NoGradGuard() : GradModeGuard(false) {}
};

}  // namespace nabla
