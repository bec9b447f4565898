// A data-parallel step in which one rank's forward throws: run under mpirun by
// the CTest case distributed.failing_rank_aborts_all (expect_abort.cmake),
// which expects every process to end, non-zero, with a message naming the
// rank. Without run_or_abort the other ranks would wait forever in the
// gradient reduction.
#include <cstdlib>
#include <iostream>
#include <memory>

#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "tensor/error.h"
#include "tensor/ops.h"

namespace {

// Throws on one rank, as a bad batch or a bug would.
class FailsOnRank : public nabla::nn::Module {
 public:
  explicit FailsOnRank(int rank) : rank_(rank) {}
  nabla::Variable forward(const nabla::Variable& x) override {
    NABLA_CHECK(nabla::distributed::Communicator::world().rank() != rank_, "FailsOnRank",
                "a forward that fails on purpose");
    return x;
  }

 private:
  int rank_;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace nabla;
  const int failing = argc > 1 ? std::atoi(argv[1]) : 1;
  const auto comm = distributed::Communicator::world();
  return distributed::run_or_abort(comm, [&] {
    nn::Sequential model(nn::Linear(4, 3), FailsOnRank(failing));
    distributed::DataParallel dp(model, comm);
    for (int step = 0; step < 3; ++step) {
      Variable loss = nn::CrossEntropyLoss{}(dp(Variable(ones({2, 4}))), zeros({2}, DType::i64));
      loss.backward();
      dp.finish();
    }
    std::cout << "rank " << comm.rank() << " finished\n";
    return 0;
  });
}
