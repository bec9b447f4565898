// NOTE [ Deterministic allreduce ]
// MPI_Allreduce with MPI_SUM promises neither the order of the additions nor
// that every rank gets the same bytes (an implementation may pick its
// algorithm by message size and reduce in arrival order). Floating-point
// addition is not associative, so nabla reduces in a fixed order instead, in
// two collectives that move as many bytes as a ring allreduce:
//   1. reduce-scatter: the tensor is cut into size() chunks; an alltoallv sends
//      chunk q of every rank to rank q, which sums the size() copies in rank
//      order 0, 1, ..., size()-1 (then divides by size() for a mean);
//   2. allgather: every rank's reduced chunk is copied to every rank.
// Each element is thus summed by one rank in one order, and its bytes are
// copied, never recomputed: every rank holds the same bits, whichever rank
// arrived first. docs/distributed.md has the measurements.
//
// NOTE [ Collective timeout ]
// MPI's collectives have no timeout: a blocking MPI_Allreduce waits forever
// for a rank that is stuck or never joins. So every collective here is
// started non-blocking (MPI_Ialltoallv, MPI_Ibcast, MPI_Iallgather,
// MPI_Ibarrier, MPI_Comm_idup) and completed by polling MPI_Test until it is
// done or the handle's timeout has passed, then nabla::Error. The poll spins
// for kSpin (ranks that arrive together complete at MPI's latency), then
// yields the core until kYield, then sleeps kSleep between tests, so that a
// rank that waits long leaves its core to the ranks it waits for (more ranks
// than cores, or their kernel threads). The reduction itself is unchanged:
// the same bytes as with blocking waits. After a timeout the operation is
// left pending, its buffers kept alive, and the communicator is unusable: the
// program should end (run_or_abort aborts every rank).
#include "distributed/communicator.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "tensor/dispatch.h"
#include "tensor/error.h"
#include "tensor/factory.h"

#if NABLA_HAVE_MPI
#include <mpi.h>

#include "distributed/mpi_comm.h"
#endif

namespace nabla::distributed {

namespace detail {

// Long enough for any rank's work between two collectives (loading a data
// set, a slow epoch's validation, a checkpoint on a slow disk); docs/distributed.md.
constexpr Seconds kDefaultTimeout{600};

Seconds parse_timeout(std::string_view text, std::string_view source) {
  double value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  const auto [end, ec] = std::from_chars(first, last, value);
  NABLA_CHECK(!text.empty() && ec == std::errc() && end == last && value > 0, "Communicator",
              source,
              " must be a number of seconds > 0 (e.g. 600, 2.5, or inf for no timeout), got '",
              std::string(text), "'");
  return Seconds(value);
}

#if NABLA_HAVE_MPI

namespace {

constexpr Seconds kSpin{50e-6};
constexpr Seconds kYield{1e-3};
constexpr std::chrono::microseconds kSleep{100};

// Buffers MPI may still write into after a timeout or an error: kept alive,
// since the process is about to end.
void keep_alive(std::initializer_list<Tensor> tensors) {
  static std::vector<Tensor>* abandoned = new std::vector<Tensor>();
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  for (const Tensor& t : tensors) abandoned->push_back(t);
}

// Whether nabla called MPI_Init (then it calls MPI_Finalize at exit).
struct MpiLifetime {
  bool started_by_nabla = false;
  ~MpiLifetime() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (started_by_nabla && finalized == 0) MPI_Finalize();
  }
};

MpiLifetime& mpi_lifetime() {
  static MpiLifetime lifetime;
  return lifetime;
}

bool mpi_finalized() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  return finalized != 0;
}

}  // namespace

// Polls `done` (NOTE [ Collective timeout ]) until it returns true; after
// `timeout`, keeps `buffers` alive and throws.
template <class Done>
void wait_until(const Done& done,
                const char* op,
                int rank,
                int size,
                Seconds timeout,
                std::initializer_list<Tensor> buffers = {}) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  while (!done()) {
    const Seconds waited = Clock::now() - start;
    if (waited > timeout) {
      keep_alive(buffers);
      nabla::detail::throw_error(
          op, "rank ", rank, " of ", size, " waited ", timeout.count(),
          " s (the timeout) for the other ranks: one of them is stuck, has failed or did not call ",
          op,
          " (every rank must start the same collectives in the same order). Change the "
          "timeout with Communicator::set_timeout or NABLA_MPI_TIMEOUT=<seconds> (default ",
          kDefaultTimeout.count(), " s)");
    }
    if (waited < kSpin) continue;
    if (waited < kYield) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(kSleep);
    }
  }
}

void check_mpi(int rc, const char* op) {
  if (rc == MPI_SUCCESS) [[likely]]
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  nabla::detail::throw_error(op, "MPI error ", rc, ": ", std::string(text, length));
}

void ensure_mpi_initialized() {
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized != 0) return;
  NABLA_CHECK(!mpi_finalized(), "Communicator::world", "MPI was already finalized");
  MpiLifetime& lifetime = mpi_lifetime();  // constructed first, destroyed after the communicators
  // Serialized: nabla calls MPI from one thread at a time (the kernels' worker threads never do).
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
    nabla::detail::throw_error("Communicator::world", "MPI_Init_thread failed");
  lifetime.started_by_nabla = true;
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

struct PendingReduce;

// NOTE [ Collective order of the two stages ]
// MPI matches the collectives of a communicator by the order in which each
// rank starts them. The scatters start in the order the program calls
// iallreduce_, the same on every rank; but a gather can start only once its
// scatter has completed, which depends on timing: rank 0 may start a's gather
// before b's scatter, rank 1 after it. So the gathers run on a communicator
// of their own, and start strictly in the order of their scatters (the queue
// below): a gather waits for every earlier scatter's gather to have started.
struct CommImpl {
  MPI_Comm comm = MPI_COMM_NULL;    // blocking collectives and the scatters
  MPI_Comm gather = MPI_COMM_NULL;  // the gathers
  int rank = 0;
  int size = 1;
  std::deque<PendingReduce*> scatters;  // in flight, in start order

  CommImpl(MPI_Comm user, const char* op, Seconds timeout) {
    check_mpi(MPI_Comm_rank(user, &rank), op);
    check_mpi(MPI_Comm_size(user, &size), op);
    for (MPI_Comm* c : {&comm, &gather}) {
      MPI_Request request = MPI_REQUEST_NULL;
      check_mpi(MPI_Comm_idup(user, c, &request), op);
      wait_until(
          [&] {
            int done = 0;
            check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), op);
            return done != 0;
          },
          op, rank, size, timeout);
      // Errors come back as return codes (thrown as nabla::Error) instead of
      // ending the process.
      check_mpi(MPI_Comm_set_errhandler(*c, MPI_ERRORS_RETURN), op);
    }
  }
  ~CommImpl() {
    if (mpi_finalized()) return;
    for (MPI_Comm* c : {&comm, &gather})
      if (*c != MPI_COMM_NULL) MPI_Comm_free(c);
  }
  CommImpl(const CommImpl&) = delete;
  CommImpl& operator=(const CommImpl&) = delete;

  // Completes scatters in start order and starts their gathers, as far as
  // they have completed (without blocking).
  void progress();

  // Completes `request` (a collective started by `op`), or throws after
  // `timeout` keeping `buffers` alive (NOTE [ Collective timeout ]).
  void complete(MPI_Request& request,
                const char* op,
                Seconds timeout,
                std::initializer_list<Tensor> buffers) const {
    wait_until(
        [&] {
          int done = 0;
          check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), op);
          return done != 0;
        },
        op, rank, size, timeout, buffers);
  }
};

MPI_Datatype mpi_type(DType dtype) {
  switch (dtype) {
    case DType::f32:
      return MPI_FLOAT;
    case DType::f64:
      return MPI_DOUBLE;
    case DType::i64:
      return MPI_INT64_T;
  }
  return MPI_DATATYPE_NULL;
}

#else

struct CommImpl {
  int rank = 0;
  int size = 1;
};

#endif

// One allreduce in flight (NOTE [ Deterministic allreduce ]).
struct PendingReduce {
  std::shared_ptr<CommImpl> comm;
  Tensor data;     // contiguous, reduced in place
  Tensor scratch;  // this rank's chunk from every rank, [size, chunk]
  ReduceOp op = ReduceOp::sum;
  const char* name = "allreduce";  // the collective, for errors
  Seconds timeout{kDefaultTimeout};
  int stage = 2;  // 0: scatter in flight, 1: gather in flight, 2: done
  std::vector<int> counts, displs, recv_counts, recv_displs;
#if NABLA_HAVE_MPI
  MPI_Request request = MPI_REQUEST_NULL;
#endif

  // Sums the chunks received in rank order into this rank's part of data.
  void reduce_own_chunk() {
    const int me = comm->rank;
    const std::int64_t n = counts[static_cast<std::size_t>(me)];
    const std::int64_t at = displs[static_cast<std::size_t>(me)];
    dispatch(data.dtype(), [&]<class T>() {
      const T* in = scratch.data<T>();
      T* out = data.data<T>() + at;
      for (std::int64_t i = 0; i < n; ++i) out[i] = in[i];
      for (int q = 1; q < comm->size; ++q) {
        const T* part = in + static_cast<std::int64_t>(q) * n;
        for (std::int64_t i = 0; i < n; ++i) out[i] += part[i];
      }
      if (op == ReduceOp::mean) {
        const T divisor = static_cast<T>(comm->size);
        for (std::int64_t i = 0; i < n; ++i) out[i] /= divisor;
      }
    });
  }

#if NABLA_HAVE_MPI
  void start_scatter() {
    const int p = comm->size;
    const std::int64_t n = data.numel();
    NABLA_CHECK(n / p < std::numeric_limits<int>::max(), name, "a tensor of ", n,
                " elements is too large for one reduction over ", p, " ranks");
    counts.resize(static_cast<std::size_t>(p));
    displs.resize(static_cast<std::size_t>(p));
    std::int64_t at = 0;
    for (int q = 0; q < p; ++q) {
      counts[static_cast<std::size_t>(q)] = static_cast<int>(n / p + (q < n % p ? 1 : 0));
      displs[static_cast<std::size_t>(q)] = static_cast<int>(at);
      at += counts[static_cast<std::size_t>(q)];
    }
    const int mine = counts[static_cast<std::size_t>(comm->rank)];
    scratch = empty({p, mine}, data.dtype());
    recv_counts.assign(static_cast<std::size_t>(p), mine);
    recv_displs.resize(static_cast<std::size_t>(p));
    for (int q = 0; q < p; ++q) recv_displs[static_cast<std::size_t>(q)] = q * mine;
    const MPI_Datatype type = mpi_type(data.dtype());
    check_mpi(
        MPI_Ialltoallv(data.raw_data(), counts.data(), displs.data(), type, scratch.raw_data(),
                       recv_counts.data(), recv_displs.data(), type, comm->comm, &request),
        name);
    stage = 0;
  }

  // Called by CommImpl::progress once the scatter has completed, in scatter order.
  void start_gather() {
    reduce_own_chunk();
    scratch = Tensor();
    check_mpi(MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data.raw_data(), counts.data(),
                              displs.data(), mpi_type(data.dtype()), comm->gather, &request),
              name);
    stage = 1;
  }

  // Moves the operation on without blocking.
  void advance() {
    if (stage == 0) comm->progress();
    if (stage != 1) return;
    int done = 0;
    check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), name);
    if (done != 0) stage = 2;
  }

  // Polls until complete, or throws after the timeout (NOTE [ Collective timeout ]).
  void wait() {
    wait_until(
        [&] {
          advance();
          return stage == 2;
        },
        name, comm->rank, comm->size, timeout);
  }

  ~PendingReduce() {
    if (stage == 2 || mpi_finalized()) return;
    // MPI may still write into the buffers of an operation never completed
    // (a timeout, or a rank unwinding after an error): keep them alive, the
    // process is about to end.
    std::erase(comm->scatters, this);
    keep_alive({data, scratch});
  }
#else
  void advance() {}
  void wait() {}
#endif
};

#if NABLA_HAVE_MPI
void CommImpl::progress() {
  while (!scatters.empty()) {
    PendingReduce* op = scatters.front();
    int done = 0;
    check_mpi(MPI_Test(&op->request, &done, MPI_STATUS_IGNORE), op->name);
    if (done == 0) return;
    scatters.pop_front();
    op->start_gather();
  }
}
#endif

}  // namespace detail

namespace {

void check_reducible(const Tensor& t, ReduceOp op, const char* name) {
  check_defined(t, name);
  NABLA_CHECK(op != ReduceOp::mean || is_floating(t.dtype()), name,
              "a mean needs a floating tensor, got ", t.dtype());
}

}  // namespace

Work::Work(std::shared_ptr<detail::PendingReduce> state) : state_(std::move(state)) {}

Work::~Work() = default;

bool Work::test() {
  if (state_ != nullptr) state_->advance();
  return completed();
}

void Work::wait() {
  if (state_ != nullptr) state_->wait();
}

bool Work::completed() const {
  return state_ == nullptr || state_->stage == 2;
}

Seconds Communicator::default_timeout() {
  // Read once; a malformed value throws on every call.
  static const Seconds timeout = [] {
    const char* text = std::getenv("NABLA_MPI_TIMEOUT");
    return text == nullptr ? detail::kDefaultTimeout
                           : detail::parse_timeout(text, "NABLA_MPI_TIMEOUT");
  }();
  return timeout;
}

Communicator& Communicator::set_timeout(Seconds timeout) {
  NABLA_CHECK(timeout.count() > 0, "Communicator::set_timeout",
              "the timeout must be > 0 seconds (infinity: no timeout), got ", timeout.count());
  timeout_ = timeout;
  return *this;
}

Communicator Communicator::world() {
#if NABLA_HAVE_MPI
  const Seconds timeout =
      default_timeout();  // a malformed NABLA_MPI_TIMEOUT fails before MPI starts
  detail::ensure_mpi_initialized();
  // One duplicate of MPI_COMM_WORLD per process, shared by every handle.
  static std::shared_ptr<detail::CommImpl> world =
      std::make_shared<detail::CommImpl>(MPI_COMM_WORLD, "Communicator::world", timeout);
  return Communicator(world);
#else
  static std::shared_ptr<detail::CommImpl> world = std::make_shared<detail::CommImpl>();
  return Communicator(world);  // reads NABLA_MPI_TIMEOUT too, for the same errors
#endif
}

bool Communicator::has_mpi() {
#if NABLA_HAVE_MPI
  return true;
#else
  return false;
#endif
}

int Communicator::rank() const {
  return impl_->rank;
}

int Communicator::size() const {
  return impl_->size;
}

namespace {

// Starts the reduction of the contiguous `t` (NOTE [ Deterministic allreduce ]).
std::shared_ptr<detail::PendingReduce> start_reduce(const std::shared_ptr<detail::CommImpl>& impl,
                                                    Seconds timeout,
                                                    const Tensor& t,
                                                    ReduceOp op,
                                                    const char* name) {
  auto state = std::make_shared<detail::PendingReduce>();
  state->comm = impl;
  state->data = t;
  state->op = op;
  state->name = name;
  state->timeout = timeout;
#if NABLA_HAVE_MPI
  state->start_scatter();
  impl->scatters.push_back(state.get());
  state->advance();
#endif
  return state;
}

}  // namespace

Work Communicator::iallreduce_(const Tensor& t, ReduceOp op) const {
  check_reducible(t, op, "iallreduce_");
  NABLA_CHECK(t.is_contiguous(), "iallreduce_",
              "the tensor must be contiguous (it is reduced in place), got strides ", t.strides(),
              " for shape ", t.shape());
  if (impl_->size == 1 || t.numel() == 0) return Work();
  return Work(start_reduce(impl_, timeout_, t, op, "iallreduce_"));
}

void Communicator::allreduce_(Tensor& t, ReduceOp op) const {
  check_reducible(t, op, "allreduce_");
  if (impl_->size == 1 || t.numel() == 0) return;
  Tensor flat = t.contiguous();
  start_reduce(impl_, timeout_, flat, op, "allreduce_")->wait();
  if (!flat.shares_storage(t) || flat.offset() != t.offset()) t.copy_(flat);
  t.bump_version();
}

void Communicator::broadcast_(Tensor& t, int root) const {
  check_defined(t, "broadcast_");
  NABLA_CHECK(root >= 0 && root < impl_->size, "broadcast_", "root ", root,
              " is not a rank of a communicator of size ", impl_->size);
  if (impl_->size == 1 || t.numel() == 0) return;
#if NABLA_HAVE_MPI
  Tensor flat = t.contiguous();
  NABLA_CHECK(flat.numel() < std::numeric_limits<int>::max(), "broadcast_", "a tensor of ",
              flat.numel(), " elements is too large for one broadcast");
  MPI_Request request = MPI_REQUEST_NULL;
  detail::check_mpi(MPI_Ibcast(flat.raw_data(), static_cast<int>(flat.numel()),
                               detail::mpi_type(flat.dtype()), root, impl_->comm, &request),
                    "broadcast_");
  impl_->complete(request, "broadcast_", timeout_, {flat});
  if (!flat.shares_storage(t) || flat.offset() != t.offset()) t.copy_(flat);
  t.bump_version();
#endif
}

Tensor Communicator::allgather(const Tensor& t) const {
  check_defined(t, "allgather");
  Shape shape{impl_->size};
  for (std::int64_t d = 0; d < t.dim(); ++d) shape.push_back(t.size(d));
  Tensor out = empty(shape, t.dtype());
  Tensor flat = t.contiguous();
  if (impl_->size == 1) {
    std::memcpy(out.raw_data(), flat.raw_data(), flat.numel() * flat.element_size());
    return out;
  }
#if NABLA_HAVE_MPI
  NABLA_CHECK(flat.numel() < std::numeric_limits<int>::max(), "allgather", "a tensor of ",
              flat.numel(), " elements is too large for one allgather");
  const MPI_Datatype type = detail::mpi_type(flat.dtype());
  const int count = static_cast<int>(flat.numel());
  MPI_Request request = MPI_REQUEST_NULL;
  detail::check_mpi(MPI_Iallgather(flat.raw_data(), count, type, out.raw_data(), count, type,
                                   impl_->comm, &request),
                    "allgather");
  impl_->complete(request, "allgather", timeout_, {flat, out});
#endif
  return out;
}

void Communicator::barrier() const {
#if NABLA_HAVE_MPI
  if (impl_->size == 1) return;
  MPI_Request request = MPI_REQUEST_NULL;
  detail::check_mpi(MPI_Ibarrier(impl_->comm, &request), "barrier");
  impl_->complete(request, "barrier", timeout_, {});
#endif
}

void Communicator::abort(int code) const {
#if NABLA_HAVE_MPI
  std::cerr.flush();
  std::cout.flush();
  MPI_Abort(impl_->comm, code);
#endif
  std::exit(code);
}

int run_or_abort(const Communicator& comm, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << "nabla: rank " << comm.rank() << " of " << comm.size() << " failed: " << e.what()
              << "\n";
  } catch (...) {
    std::cerr << "nabla: rank " << comm.rank() << " of " << comm.size()
              << " failed: an exception that is not a std::exception\n";
  }
  comm.abort(1);
}

#if NABLA_HAVE_MPI
Communicator from_mpi_comm(MPI_Comm comm) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  NABLA_CHECK(initialized != 0, "from_mpi_comm", "MPI is not initialised: call MPI_Init first");
  NABLA_CHECK(comm != MPI_COMM_NULL, "from_mpi_comm", "the communicator is MPI_COMM_NULL");
  return Communicator(
      std::make_shared<detail::CommImpl>(comm, "from_mpi_comm", Communicator::default_timeout()));
}
#endif

}  // namespace nabla::distributed
