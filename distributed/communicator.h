// Communicator: the processes (ranks) of a data-parallel run and the
// collectives they use: allreduce (blocking and non-blocking), broadcast,
// allgather, barrier. Built on MPI's C API when nabla has MPI (NABLA_MPI);
// without it, world() is a world of one process whose collectives copy.
//
// Reductions are deterministic (NOTE [ Deterministic allreduce ] in
// communicator.cpp): every rank gets the same bytes, summed in rank order,
// whatever order the ranks arrive in. No collective waits forever: one that
// the other ranks do not complete within timeout() throws nabla::Error
// (NOTE [ Collective timeout ]).
//
//   auto comm = distributed::Communicator::world();   // initialises MPI if needed
//   Tensor g = ...;
//   comm.allreduce_(g, distributed::ReduceOp::mean);  // the mean over the ranks, in place
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tensor/tensor.h"

namespace nabla::distributed {

enum class ReduceOp {
  sum,   ///< the elementwise sum over the ranks
  mean,  ///< the sum divided by the number of ranks (floating tensors only)
};

/// A duration in seconds (std::chrono::seconds and milliseconds convert to it).
using Seconds = std::chrono::duration<double>;

namespace detail {
struct CommImpl;
struct PendingReduce;
/// A timeout in seconds from its text ("600", "2.5", "inf": no timeout), as
/// NABLA_MPI_TIMEOUT holds it. Throws nabla::Error naming `source` and the
/// text unless it is a number > 0.
Seconds parse_timeout(std::string_view text, std::string_view source);
}  // namespace detail

/// The handle of a non-blocking allreduce: the reduction is in the tensor
/// once wait() returns. Moving it is cheap; dropping it before wait() leaves
/// the operation to complete on its own (its buffers are kept alive).
class Work {
 public:
  /// An already completed operation.
  Work() = default;
  explicit Work(std::shared_ptr<detail::PendingReduce> state);
  Work(Work&&) noexcept = default;
  Work& operator=(Work&&) noexcept = default;
  ~Work();

  /// Advances the operation without blocking; true once it is complete.
  bool test();
  /// Blocks until complete. Throws nabla::Error when MPI reports an error, or
  /// when it is not complete within the timeout of the Communicator that
  /// started it (counted from this call).
  void wait();
  bool completed() const;

 private:
  std::shared_ptr<detail::PendingReduce> state_;
};

class Communicator {
 public:
  /// Every process of the run (MPI_COMM_WORLD, duplicated so that nabla's
  /// messages never meet the program's own). Initialises MPI when it is not
  /// yet, and then finalises it at exit; MPI started by the program is left
  /// to the program.
  static Communicator world();

  /// The index of this process, 0 .. size()-1.
  int rank() const;
  /// The number of processes.
  int size() const;
  /// True when built with MPI (false: a world of one process).
  static bool has_mpi();

  /// How long a collective of this handle (and wait() on its Work) waits for
  /// the other ranks before it throws nabla::Error: a rank that is stuck, or
  /// that skipped the collective, would otherwise keep every other rank
  /// waiting forever. The communicator is unusable after a timeout; end the
  /// program (run_or_abort does). Starts as default_timeout().
  Seconds timeout() const { return timeout_; }
  /// Sets the timeout of this handle and of the copies made from it afterwards
  /// (DataParallel's, fit's). Throws nabla::Error unless it is > 0 seconds
  /// (infinity: no timeout).
  Communicator& set_timeout(Seconds timeout);
  /// NABLA_MPI_TIMEOUT (seconds, read once), or 10 minutes without it (see
  /// docs/distributed.md for why so long). Throws nabla::Error naming the
  /// variable when its value is not a number > 0.
  static Seconds default_timeout();

  /// Reduces `t` over the ranks in place: afterwards every rank holds the
  /// same bytes. Every rank must pass a tensor of the same shape and dtype
  /// (f32, f64 or i64; mean needs a floating dtype).
  void allreduce_(Tensor& t, ReduceOp op = ReduceOp::sum) const;
  /// Starts the reduction of `t` in place and returns at once; `t` must be
  /// contiguous and left alone until the Work completes. Every rank must
  /// start its non-blocking reductions in the same order.
  Work iallreduce_(const Tensor& t, ReduceOp op = ReduceOp::sum) const;
  /// Copies root's `t` into every rank's `t` (same shape and dtype everywhere).
  void broadcast_(Tensor& t, int root = 0) const;
  /// Every rank's `t` stacked in rank order: shape [size(), ...t.shape()].
  Tensor allgather(const Tensor& t) const;
  /// Waits until every rank has reached it.
  void barrier() const;
  // Every collective above throws nabla::Error naming itself, this rank, the
  // size and the timeout when the other ranks do not complete it in time.
  /// Ends every process of the communicator with `code` (MPI_Abort); with one
  /// process, std::exit(code).
  [[noreturn]] void abort(int code) const;

  /// For the bridge to a program's own MPI communicator (mpi_comm.h).
  explicit Communicator(std::shared_ptr<detail::CommImpl> impl)
      : impl_(std::move(impl)), timeout_(default_timeout()) {}
  const std::shared_ptr<detail::CommImpl>& impl() const { return impl_; }

 private:
  std::shared_ptr<detail::CommImpl> impl_;
  Seconds timeout_;
};

/// Runs `body` and returns its exit code. When it throws, prints
/// "nabla: rank R of N failed: <message>" to stderr and aborts every rank of
/// `comm` with exit code 1, so that no other rank waits forever in a
/// collective the failed one will never join.
int run_or_abort(const Communicator& comm, const std::function<int()>& body);

}  // namespace nabla::distributed
