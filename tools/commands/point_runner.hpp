// tools/commands/point_runner.hpp — what `surge sweep` and `surge plan` share: the scenario read
// once (sim::sweep::base_scenario), the seeds of every point, each point checked before anything
// runs (it loads and validates with its values set; its work estimate is within the limits unless
// --force), and the runs of points spread over this machine's threads (-j) or, under
// `mpirun -np N`, over the MPI ranks (tools/distributed/distributed.hpp) — one job per (point,
// seed), so that the results, gathered in (point, seed) order, are the same either way.
#pragma once

#include "command.hpp"
#include "scenario_loading.hpp"

#include "../distributed/distributed.hpp"

#include <sim/estimate.hpp>
#include <sim/input_file.hpp>
#include <sim/load.hpp>
#include <sim/stop_signal.hpp>
#include <sim/sweep.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace surge::cli {

/// The -j option's default: every core of this machine, or one per MPI rank (a rank per core is
/// how mpirun places them).
inline unsigned default_jobs() {
    if (distributed::world().size > 1) return 1;
    return std::max(1u, std::thread::hardware_concurrency());
}

/// "-j 4": a positive thread count (at most 1024).
inline unsigned parse_jobs(const std::optional<std::string>& text) {
    if (!text) return default_jobs();
    unsigned v = 0;
    const char* end = text->data() + text->size();
    const auto r = std::from_chars(text->data(), end, v);
    if (text->empty() || r.ec != std::errc{} || r.ptr != end || v == 0 || v > 1024)
        throw usage_error("-j " + *text + ": expected a number of threads, 1..1024");
    return v;
}

/// "--seeds 5": 1..1000 seeds per point.
inline std::uint32_t check_seed_count(std::uint32_t n) {
    if (n == 0 || n > 1000) throw usage_error("--seeds " + std::to_string(n) + ": expected 1..1000 seeds per point");
    return n;
}

class point_runner {
public:
    /// Reads SCENARIO (with --set), the seeds: first_seed (else the scenario's) .. + n - 1.
    point_runner(const std::string& file, const std::vector<std::string>& sets, std::optional<std::uint64_t> first_seed, std::uint32_t seeds,
                 unsigned jobs, bool force)
        : jobs_(jobs), force_(force) {
        base_.text = sim::read_text_file(file);
        base_.file = file;
        base_.sets = sets;
        const sim::loaded_scenario loaded = sim::load_scenario_text(base_.text, file, sets);
        check_tool_sections(loaded);  // the base must load on its own, so that an error names no point
        base_.name = loaded.scenario.name;
        base_.thresholds = loaded.scenario.thresholds;
        base_.first_seed = first_seed.value_or(loaded.scenario.seed);
        for (std::uint32_t k = 0; k < seeds; ++k) seeds_.push_back(base_.first_seed + k);
    }

    [[nodiscard]] const sim::sweep::base_scenario& base() const { return base_; }
    [[nodiscard]] const std::vector<std::uint64_t>& seeds() const { return seeds_; }
    [[nodiscard]] unsigned jobs() const { return jobs_; }

    /// Bad input before anything runs: the point's scenario must load (an error names the point's
    /// values) and its work estimate be within the limits (unless --force). Throws.
    void check(const sim::sweep::point& p) const {
        std::string values;
        for (const auto& a : p) values += (values.empty() ? "" : ", ") + a.pointer + "=" + sim::sweep::value_text(a.value);
        sim::loaded_scenario loaded;
        try {
            loaded = sim::sweep::load_point(base_, p);
        } catch (const sim::input_error& e) {
            throw usage_error("at the point " + values + ": " + e.what());
        }
        const sim::work_estimate w = sim::estimate_work(loaded.scenario);
        if (const auto why = sim::beyond_limits(w, sim::default_work_limits()); why && !force_)
            throw usage_error(base_.file + " at the point " + values + ": " + *why + " (--force runs it anyway)");
    }

    /// Runs every seed of every point. Returns, on rank 0, runs[point][seed] (a point a stop cut
    /// short has fewer runs than seeds); elsewhere empty. `everywhere`: every rank gets the result
    /// (a plan's ranks follow the same search).
    std::vector<std::vector<sim::sweep::seed_run>> run(const std::vector<sim::sweep::point>& points, bool everywhere = false) const {
        const std::size_t per = seeds_.size();
        const std::size_t n = points.size() * per;
        const auto job = [&](std::size_t k) { return sim::sweep::run_point(base_, points[k / per], seeds_[k % per], &sim::stop_requested); };
        const auto stopped = [] { return sim::stop_requested.load() != 0; };
        std::vector<sim::sweep::seed_run> flat(n);
        std::vector<char> ran(n, 0);  // not vector<bool>: threads write neighbouring elements
        if (distributed::world().size > 1) {
            std::vector<bool> handed;
            const auto texts = distributed::distribute(
                n, [&](std::size_t k) { return sim::sweep::to_json(job(k)).dump(); }, stopped, &handed);
            for (std::size_t k = 0; k < handed.size(); ++k) ran[k] = handed[k] ? 1 : 0;
            std::string joined;
            if (distributed::is_root()) {
                nlohmann::ordered_json all = nlohmann::ordered_json::array();
                for (std::size_t k = 0; k < n; ++k)
                    all.push_back(ran[k] ? nlohmann::ordered_json::parse(texts[k]) : nlohmann::ordered_json(nullptr));
                joined = all.dump();
            }
            if (everywhere) joined = distributed::broadcast(joined);
            if (joined.empty()) return {};
            const auto all = nlohmann::ordered_json::parse(joined);
            for (std::size_t k = 0; k < n; ++k) {
                ran[k] = all[k].is_null() ? 0 : 1;
                if (ran[k]) flat[k] = sim::sweep::seed_run_from_json(all[k]);
            }
        } else {
            sim::sweep::parallel_for(
                n, jobs_,
                [&](std::size_t k) {
                    flat[k] = job(k);
                    ran[k] = 1;
                },
                stopped);
        }
        std::vector<std::vector<sim::sweep::seed_run>> out(points.size());
        for (std::size_t k = 0; k < n; ++k)
            if (ran[k] != 0 && flat[k].interrupted == 0) out[k / per].push_back(std::move(flat[k]));
        return out;
    }

private:
    sim::sweep::base_scenario base_;
    std::vector<std::uint64_t> seeds_;
    unsigned jobs_ = 1;
    bool force_ = false;
};

} // namespace surge::cli
