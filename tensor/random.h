// Random numbers: a counter-based generator (Philox 4x32-10), so a tensor's
// values depend only on the seed and the draw's position in the stream, never
// on the number of threads that filled it.
#pragma once

#include <atomic>
#include <cstdint>

#include "tensor/tensor.h"

namespace nabla {

/// A Philox 4x32-10 stream. Each draw reserves a block of counters, so
/// concurrent draws get disjoint numbers. Every member may be called from
/// several threads at once (the seed and the offset are atomic); which draw
/// gets which numbers then depends on the order the threads reach it, and a
/// draw running beside seed() or set_offset() may use the old seed with the
/// new offset or the reverse. A thread that needs reproducible numbers owns
/// its Generator.
class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0x5eed);
  Generator(const Generator& other);
  Generator& operator=(const Generator& other);

  /// Restarts the stream from `seed`.
  void seed(std::uint64_t seed);
  std::uint64_t initial_seed() const { return seed_.load(std::memory_order_relaxed); }
  /// Position in the stream (counter blocks used so far); with the seed, the whole state.
  std::uint64_t offset() const { return offset_.load(); }
  void set_offset(std::uint64_t offset) { offset_.store(offset); }

  /// Reserves `blocks` counter blocks and returns the first.
  std::uint64_t reserve(std::uint64_t blocks) { return offset_.fetch_add(blocks); }
  /// The four 32-bit outputs of counter block `counter` for this seed.
  void block(std::uint64_t counter, std::uint32_t out[4]) const;

 private:
  // Atomic: the default generator is shared by every thread, and
  // load_training_state or manual_seed on one thread re-seeds it while
  // another may be drawing from it.
  std::atomic<std::uint64_t> seed_;
  std::atomic<std::uint64_t> offset_{0};
};

/// The generator used when none is passed.
Generator& default_generator();

/// Re-seeds the default generator.
void manual_seed(std::uint64_t seed);

/// Uniform values in [0, 1) (rand) and standard normal values (randn).
Tensor rand(const Shape& shape, DType dtype = DType::f32);
Tensor rand(const Shape& shape, Generator& gen, DType dtype = DType::f32);
Tensor randn(const Shape& shape, DType dtype = DType::f32);
Tensor randn(const Shape& shape, Generator& gen, DType dtype = DType::f32);
/// Integers uniform in [low, high) as i64.
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape);
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen);
/// 1 with probability p, else 0.
Tensor bernoulli(const Shape& shape, double p, DType dtype = DType::f32);
Tensor bernoulli(const Shape& shape, double p, Generator& gen, DType dtype = DType::f32);
/// A random permutation of 0..n-1 as i64.
Tensor randperm(std::int64_t n);
Tensor randperm(std::int64_t n, Generator& gen);

/// Fills `t` in place with uniform values in [low, high).
Tensor& uniform_(Tensor& t, double low, double high);
Tensor& uniform_(Tensor& t, double low, double high, Generator& gen);
/// Fills `t` in place with normal values of the given mean and standard deviation.
Tensor& normal_(Tensor& t, double mean, double std);
Tensor& normal_(Tensor& t, double mean, double std, Generator& gen);

}  // namespace nabla
