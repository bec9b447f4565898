// The bridge between nabla and a program's own MPI communicator: the one
// header of distributed/ that includes <mpi.h>, for programs that initialise
// MPI themselves and train on a sub-communicator (MPI_Comm_split). Available
// when nabla is built with MPI (NABLA_HAVE_MPI).
//
//   MPI_Init(&argc, &argv);
//   MPI_Comm half;
//   MPI_Comm_split(MPI_COMM_WORLD, world_rank % 2, world_rank, &half);
//   auto comm = distributed::from_mpi_comm(half);
#pragma once

#include <mpi.h>

#include "distributed/communicator.h"

namespace nabla::distributed {

/// A Communicator over a duplicate of `comm` (nabla's messages stay apart
/// from the program's; errors on it become nabla::Error). MPI must be
/// initialised, and is left to the program to finalise.
Communicator from_mpi_comm(MPI_Comm comm);

}  // namespace nabla::distributed
