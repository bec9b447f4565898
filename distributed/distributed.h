// nabla distributed: data-parallel training across processes on MPI (a world
// of one process when nabla is built without MPI). docs/distributed.md.
#pragma once

#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "distributed/distributed_sampler.h"
#include "distributed/rank_zero.h"
#include "distributed/sync_batch_norm.h"
