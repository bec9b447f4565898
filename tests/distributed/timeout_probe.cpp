// A rank that never joins a collective: run under mpirun -np 2 by the CTest
// cases distributed.timeout.<collective> (expect_abort.cmake), which expect
// rank 0 to give up after its 2 s timeout with a message naming the
// collective, and every process to end non-zero. Without the timeout rank 0
// would wait forever inside MPI.
//
//   timeout_probe <collective> [env]
//
// collective: allreduce, iallreduce, broadcast, allgather, barrier or
// data_parallel. Rank 1 sleeps for a minute instead (stuck), except for
// barrier, which it skips and ends. With "env" the timeout comes from
// NABLA_MPI_TIMEOUT instead of set_timeout; a malformed NABLA_MPI_TIMEOUT makes
// world() throw, which the probe prints before exiting with 2.
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "tensor/error.h"
#include "tensor/ops.h"

int main(int argc, char** argv) {
  using namespace nabla;
  const std::string collective = argc > 1 ? argv[1] : "barrier";
  const bool from_env = argc > 2 && std::string(argv[2]) == "env";
  distributed::Communicator comm = [] {
    try {
      return distributed::Communicator::world();
    } catch (const Error& e) {
      std::cerr << "world() failed: " << e.what() << "\n";
      std::exit(2);
    }
  }();
  if (!from_env) comm.set_timeout(std::chrono::seconds(2));
  return distributed::run_or_abort(comm, [&] {
    nn::Linear model(4, 3);
    std::unique_ptr<distributed::DataParallel> dp;
    if (collective == "data_parallel")
      dp = std::make_unique<distributed::DataParallel>(model, comm);
    if (comm.rank() == 1) {
      if (collective == "barrier") return 0;  // skips it and ends
      std::this_thread::sleep_for(std::chrono::seconds(60));
      return 0;
    }
    Tensor t = ones({4});
    if (collective == "allreduce") {
      comm.allreduce_(t);
    } else if (collective == "iallreduce") {
      distributed::Work work = comm.iallreduce_(t);
      work.wait();
    } else if (collective == "broadcast") {
      comm.broadcast_(t, 1);  // from the stuck rank (a root's own broadcast may complete alone)
    } else if (collective == "allgather") {
      (void)comm.allgather(t);
    } else if (collective == "barrier") {
      comm.barrier();
    } else if (collective == "data_parallel") {
      // The hook of the last gradient waits for the reduction inside backward.
      nn::CrossEntropyLoss{}((*dp)(Variable(ones({2, 4}))), zeros({2}, DType::i64)).backward();
      dp->finish();
    } else {
      std::cerr << "unknown collective " << collective << "\n";
      return 3;
    }
    std::cout << "rank 0 finished " << collective << "\n";
    return 0;
  });
}
