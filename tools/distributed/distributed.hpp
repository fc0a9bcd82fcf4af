// tools/distributed/distributed.hpp — surge across processes on MPI (Open MPI, through Boost.MPI):
// who this process is among the ranks `mpirun -np N surge ...` started, and the few collective
// steps the commands need: spreading sweep points over the ranks with dynamic load balancing,
// gathering each rank's result on rank 0, broadcasting rank 0's value, a barrier.
//
// Built with MPI (the CMake option SURGE_WITH_MPI) and started by an MPI launcher (mpirun, srun:
// its environment names a rank), start() initialises MPI; otherwise, and in builds without MPI,
// the world is this one process and every call below is its trivial one-process form. So commands
// call these unconditionally. The implementation is tools/distributed/distributed.cpp, the only
// translation unit that includes Boost.MPI. docs/scaling.md.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace surge::cli::distributed {

struct world_info {
    int rank = 0;
    int size = 1;
    bool mpi = false;   // MPI is initialised (even with one rank)
};

/// Call once, first thing in main: initialises MPI when built with it and launched by an MPI
/// launcher. Returns false (after a message on stderr) if MPI failed to start.
bool start(int& argc, char**& argv);
/// Call once before main returns (MPI_Finalize when MPI was started).
void finish();
/// This process among the ranks (rank 0 of 1 without MPI).
const world_info& world();
/// True on rank 0, the rank that prints and writes files.
inline bool is_root() { return world().rank == 0; }
/// Whether surge was built with MPI (SURGE_WITH_MPI).
bool built_with_mpi();

void barrier();
/// Rank 0's `value` on every rank.
std::string broadcast(const std::string& value);
/// On rank 0: every rank's `mine`, in rank order; elsewhere empty.
std::vector<std::string> gather(const std::string& mine);
/// True on every rank if `mine` is true on every rank (an error on one rank stops them all).
bool all_of(bool mine);

/// Runs job(i) for every i in [0, n) once, somewhere: on one process in order, on several ranks
/// with dynamic load balancing (each rank asks rank 0 for the next index when it is done with one;
/// rank 0 runs indices too, and answers the others between its own). Returns on rank 0 the n
/// results in index order, elsewhere an empty vector. `stop()`, polled before each index is handed
/// out on rank 0, ends the hand-out early: the indices not handed out have an empty result and
/// `ran` (on rank 0) says which ran.
std::vector<std::string> distribute(std::size_t n, const std::function<std::string(std::size_t)>& job,
                                    const std::function<bool()>& stop = {}, std::vector<bool>* ran = nullptr);

} // namespace surge::cli::distributed
