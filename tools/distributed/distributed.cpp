// tools/distributed/distributed.cpp — tools/distributed/distributed.hpp on Boost.MPI when surge is
// built with SURGE_WITH_MPI, else the one-process forms. The only translation unit that includes
// Boost.MPI (and so mpi.h).
#include "distributed.hpp"

#include <cstdlib>
#include <iostream>
#include <optional>

#ifdef SURGE_WITH_MPI
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#endif

namespace surge::cli::distributed {

namespace {

world_info the_world;

#ifdef SURGE_WITH_MPI
std::optional<boost::mpi::environment> environment;
std::optional<boost::mpi::communicator> comm;

/// An MPI launcher started this process: Open MPI's mpirun, or a PMI/PMIx launcher (Slurm's srun,
/// MPICH's Hydra). Without one, surge stays one process and does not touch MPI.
bool launched_by_mpi() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
        if (std::getenv(v) != nullptr) return true;
    return false;
}

// The tags of distribute()'s messages.
constexpr int tag_ask = 1;      // worker -> 0: the index it finished (-1 at first) ...
constexpr int tag_result = 2;   // worker -> 0: ... and its result
constexpr int tag_index = 3;    // 0 -> worker: the next index, or -1: no more
#endif

} // namespace

bool built_with_mpi() {
#ifdef SURGE_WITH_MPI
    return true;
#else
    return false;
#endif
}

bool start(int& argc, char**& argv) {
#ifdef SURGE_WITH_MPI
    if (!launched_by_mpi()) return true;
    try {
        environment.emplace(argc, argv, /*abort_on_exception=*/false);
        comm.emplace();
        the_world = {comm->rank(), comm->size(), true};
    } catch (const std::exception& e) {
        std::cerr << "surge: MPI did not start: " << e.what() << '\n';
        return false;
    }
#else
    (void)argc;
    (void)argv;
#endif
    return true;
}

void finish() {
#ifdef SURGE_WITH_MPI
    comm.reset();
    environment.reset();
#endif
}

const world_info& world() { return the_world; }

void barrier() {
#ifdef SURGE_WITH_MPI
    if (comm) comm->barrier();
#endif
}

std::string broadcast(const std::string& value) {
    std::string v = value;
#ifdef SURGE_WITH_MPI
    if (comm) boost::mpi::broadcast(*comm, v, 0);
#endif
    return v;
}

std::vector<std::string> gather(const std::string& mine) {
#ifdef SURGE_WITH_MPI
    if (comm) {
        std::vector<std::string> all;
        if (comm->rank() == 0) boost::mpi::gather(*comm, mine, all, 0);
        else boost::mpi::gather(*comm, mine, 0);
        return all;
    }
#endif
    return {mine};
}

bool all_of(bool mine) {
#ifdef SURGE_WITH_MPI
    if (comm) {
        int v = mine ? 1 : 0;
        int all = 0;
        boost::mpi::all_reduce(*comm, v, all, boost::mpi::minimum<int>());
        return all == 1;
    }
#endif
    return mine;
}

std::vector<std::string> distribute(std::size_t n, const std::function<std::string(std::size_t)>& job,
                                    const std::function<bool()>& stop, std::vector<bool>* ran) {
    std::vector<std::string> results;
    std::vector<bool> done;
    const auto stopped = [&] { return stop && stop(); };
#ifdef SURGE_WITH_MPI
    if (comm && comm->size() > 1) {
        if (comm->rank() != 0) {  // a worker: ask, run, send back, until told -1
            long finished = -1;
            std::string result;
            for (;;) {
                comm->send(0, tag_ask, finished);
                if (finished >= 0) comm->send(0, tag_result, result);
                long next = -1;
                comm->recv(0, tag_index, next);
                if (next < 0) return {};
                result = job(static_cast<std::size_t>(next));
                finished = next;
            }
        }
        results.resize(n);
        done.assign(n, false);
        std::size_t next = 0;
        int working = comm->size() - 1;  // workers not yet told to stop
        // One worker's message: store what it finished, give it the next index or -1.
        const auto serve = [&](const boost::mpi::status& st) {
            long finished = -1;
            comm->recv(st.source(), tag_ask, finished);
            if (finished >= 0) {
                comm->recv(st.source(), tag_result, results[static_cast<std::size_t>(finished)]);
                done[static_cast<std::size_t>(finished)] = true;
            }
            long give = -1;
            if (next < n && !stopped()) give = static_cast<long>(next++);
            else --working;
            comm->send(st.source(), tag_index, give);
        };
        for (;;) {
            while (const auto st = comm->iprobe(boost::mpi::any_source, tag_ask)) serve(*st);
            if (next < n && !stopped()) {
                const std::size_t i = next++;
                results[i] = job(i);
                done[i] = true;
                continue;
            }
            if (working == 0) break;
            serve(comm->probe(boost::mpi::any_source, tag_ask));
        }
        if (ran) *ran = done;
        return results;
    }
#endif
    results.resize(n);
    done.assign(n, false);
    for (std::size_t i = 0; i < n && !stopped(); ++i) {
        results[i] = job(i);
        done[i] = true;
    }
    if (ran) *ran = done;
    return results;
}

} // namespace surge::cli::distributed
