// The main of the distributed tests: the same GoogleTest program runs on every
// rank (mpirun -np N). Only rank 0 prints GoogleTest's report; a rank whose
// tests fail says so, and the exit code is non-zero on every rank when any
// rank failed (mpirun passes it on).
#include <gtest/gtest.h>

#include <iostream>

#include "distributed/communicator.h"
#include "tensor/factory.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const nabla::distributed::Communicator comm = nabla::distributed::Communicator::world();
  if (comm.rank() != 0) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int result = RUN_ALL_TESTS();
  if (result != 0 && comm.rank() != 0)
    std::cerr << "rank " << comm.rank() << " of " << comm.size() << ": tests failed\n";
  nabla::Tensor failed = nabla::full({1}, result != 0 ? 1.0 : 0.0, nabla::DType::i64);
  comm.allreduce_(failed);
  return failed.item<std::int64_t>() == 0 ? 0 : 1;
}
