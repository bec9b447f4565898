// from_mpi_comm: a Communicator on the program's own MPI communicator (built
// with MPI only). Expected sums are worked out from the rank formulas.
#include <gtest/gtest.h>

#include <vector>

#include "distributed/communicator.h"
#include "test_util.h"

#if NABLA_HAVE_MPI
#include "distributed/mpi_comm.h"
#include "tensor/ops.h"

namespace nabla::distributed {
namespace {

using testing::expect_error;
using testing::values;

TEST(FromMpiComm, WorldAndASplit) {
  const Communicator world = Communicator::world();
  const Communicator same = from_mpi_comm(MPI_COMM_WORLD);
  EXPECT_EQ(same.rank(), world.rank());
  EXPECT_EQ(same.size(), world.size());

  // Even and odd ranks in two communicators: each sums its own ranks only.
  MPI_Comm half = MPI_COMM_NULL;
  ASSERT_EQ(MPI_Comm_split(MPI_COMM_WORLD, world.rank() % 2, world.rank(), &half), MPI_SUCCESS);
  {
    const Communicator group = from_mpi_comm(half);
    Tensor t = full({1}, world.rank(), DType::f64);
    group.allreduce_(t);
    double expected = 0;
    for (int r = world.rank() % 2; r < world.size(); r += 2) expected += r;
    EXPECT_EQ(values(t), std::vector<double>{expected});
    EXPECT_EQ(group.size(), (world.size() + 1 - world.rank() % 2) / 2);
  }
  MPI_Comm_free(&half);
}

TEST(FromMpiComm, RejectsTheNullCommunicator) {
  expect_error([] { (void)from_mpi_comm(MPI_COMM_NULL); }, {"from_mpi_comm", "MPI_COMM_NULL"});
}

}  // namespace
}  // namespace nabla::distributed
#endif
