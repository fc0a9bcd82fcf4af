// The exact merge of a live replay's ranks (tools/replay/rank_merge.hpp, mpirun -np N surge
// replay): histograms sent as JSON text and merged on rank 0 equal the histogram of all samples
// recorded in one process — same buckets, count, min, max and sum, so the same percentiles and
// mean — and counters, tallies, extremes, series and broadcasts merge as documented; rank 0's
// report metrics from the merged parts (tools/replay/replay_merge.hpp).
#include <boost/test/unit_test.hpp>

#include "rank_merge.hpp"
#include "replay_merge.hpp"

#include <surge/random.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using surge::histogram;
using surge::replay::merge_error;
using surge::replay::merge_parts;
using surge::replay::part_json;
using surge::replay::part_of_json;
using surge::replay::rank_part;
using surge::replay::rebuild_histogram;
using surge::replay::summed_histogram;

namespace {

// Latency-like values in nanoseconds: lognormal with a median of 2 ms and a heavy tail, plus
// values below 256 (the exact buckets) and one very large value.
std::vector<std::int64_t> samples(std::uint64_t seed, std::size_t n) {
    auto r = surge::make_stream(seed, "rank-merge-test");
    const auto d = surge::lognormal::from_median_p99(2e6, 5e7);
    std::vector<std::int64_t> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<std::int64_t>(d(r)));
    v.push_back(0);
    v.push_back(7);
    v.push_back(255);
    v.push_back(std::int64_t{1} << 50);
    return v;
}

void expect_same(const histogram& a, const histogram& b) {
    BOOST_TEST(a.count() == b.count());
    BOOST_TEST(a.min() == b.min());
    BOOST_TEST(a.max() == b.max());
    BOOST_TEST(a.mean() == b.mean());  // exact: the sums are equal
    for (const double q : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) BOOST_TEST(a.percentile(q) == b.percentile(q));
    BOOST_TEST((a == b));  // buckets, count, sum, min, max: the whole state
}

} // namespace

BOOST_AUTO_TEST_SUITE(rank_merge_tests)

BOOST_AUTO_TEST_CASE(two_ranks_histograms_and_counters_equal_one_process) {
    const auto a = samples(1, 20'000), b = samples(2, 7'000);
    summed_histogram all, part_a, part_b;
    for (const auto v : a) {
        all.record(v);
        part_a.record(v);
    }
    for (const auto v : b) {
        all.record(v);
        part_b.record(v);
    }
    rank_part pa, pb;
    pa.rank = 0;
    pb.rank = 1;
    pa.histograms["delivery/latency"] = part_a;
    pb.histograms["delivery/latency"] = part_b;
    pa.counters["delivered"] = a.size();
    pb.counters["delivered"] = b.size();
    pa.counters["sent"] = 11;  // only rank 0 has it
    pa.tallies["per_notification"] = {1.5, 3};
    pb.tallies["per_notification"] = {0.5, 1};
    pa.earliest["first_publish"] = 40;
    pb.earliest["first_publish"] = 30;
    pa.latest["last_delivery"] = 900;
    pb.latest["last_delivery"] = 1000;
    pa.series_sum["delivery.rate"] = {1, 2, std::numeric_limits<double>::quiet_NaN()};
    pb.series_sum["delivery.rate"] = {10, 20, 30, 40};
    pa.series_max["lag"] = {5, 1};
    pb.series_max["lag"] = {3, 4};
    pa.broadcasts[7] = {100, 150};
    pb.broadcasts[7] = {100, 180};
    pb.broadcasts[9] = {200, -1};
    pa.errors = {"x", "y"};
    pb.errors = {"y", "z"};
    // Through the text each rank sends, as rank 0 receives it.
    const auto m = merge_parts({part_of_json(part_json(pa)), part_of_json(part_json(pb))});
    expect_same(m.histograms.at("delivery/latency"), all);
    BOOST_TEST((m.histograms.at("delivery/latency").sum() == all.sum()));
    BOOST_TEST(m.counters.at("delivered") == a.size() + b.size());
    BOOST_TEST(m.counters.at("sent") == 11U);
    BOOST_TEST(m.tallies.at("per_notification").first == 2.0);
    BOOST_TEST(m.tallies.at("per_notification").second == 4U);
    BOOST_TEST(m.earliest.at("first_publish") == 30);
    BOOST_TEST(m.latest.at("last_delivery") == 1000);
    const auto& rate = m.series_sum.at("delivery.rate");
    BOOST_TEST(rate.size() == 4U);
    BOOST_TEST(rate[0] == 11.0);
    BOOST_TEST(rate[1] == 22.0);
    BOOST_TEST(rate[2] == 30.0);  // no value on rank 0 is no value, not 0
    BOOST_TEST(rate[3] == 40.0);
    BOOST_TEST(m.series_max.at("lag")[0] == 5.0);
    BOOST_TEST(m.series_max.at("lag")[1] == 4.0);
    BOOST_TEST(m.broadcasts.at(7).second == 180);  // the last recipient over both ranks
    BOOST_TEST(m.broadcasts.at(9).second == -1);
    BOOST_TEST(m.errors == (std::vector<std::string>{"x", "y", "z"}));
    // Percentiles of the parts averaged would not do: the merged p99 is the one of all samples,
    // which differs here from the mean of the parts' p99s.
    BOOST_TEST(m.histograms.at("delivery/latency").percentile(99) != (part_a.percentile(99) + part_b.percentile(99)) / 2);
}

BOOST_AUTO_TEST_CASE(rebuilt_histogram_is_the_serialised_one) {
    // Every shape of histogram: empty, one value, two values in one bucket, exact buckets only,
    // one wide bucket, many values.
    std::vector<std::vector<std::int64_t>> cases{{}, {5}, {1'000'000}, {300, 301}, {0, 1, 2, 255}, {1'000'001, 1'000'300, 1'003'000}};
    cases.push_back(samples(3, 50'000));
    for (const auto& values : cases) {
        summed_histogram h;
        for (const auto v : values) h.record(v);
        const auto back = rebuild_histogram(surge::replay::histogram_json(h));
        expect_same(back, h);
        BOOST_TEST((back.sum() == h.sum()));
    }
    // With counts: record(v, n) is n values.
    summed_histogram h;
    h.record(123'456'789, 1000);
    h.record(3, 5);
    expect_same(rebuild_histogram(surge::replay::histogram_json(h)), h);
}

BOOST_AUTO_TEST_CASE(inconsistent_parts_are_refused) {
    summed_histogram h;
    h.record(1000);
    h.record(2000);
    auto j = surge::replay::histogram_json(h);
    j["count"] = 3;  // the buckets hold 2
    BOOST_CHECK_THROW(rebuild_histogram(j), merge_error);
    j = surge::replay::histogram_json(h);
    j["sum"] = "1";  // below the least the buckets allow
    BOOST_CHECK_THROW(rebuild_histogram(j), merge_error);
    j["sum"] = "12x";
    BOOST_CHECK_THROW(rebuild_histogram(j), merge_error);
    BOOST_CHECK_THROW(part_of_json("{\"rank\": 0}"), merge_error);
    BOOST_CHECK_THROW(part_of_json("not json"), merge_error);
}

BOOST_AUTO_TEST_SUITE_END()

// Rank 0's report from two parts (tools/replay/replay_merge.hpp): the counts are the sums, the
// delivery-latency figures those of the merged histogram, lost what was attempted and not
// delivered, and live.ranks each rank's own counts.
BOOST_AUTO_TEST_SUITE(replay_merge_tests)

BOOST_AUTO_TEST_CASE(report_metrics_from_two_parts) {
    const auto a = samples(4, 3'000), b = samples(5, 1'000);
    summed_histogram all;
    std::vector<rank_part> parts(2);
    for (int r = 0; r < 2; ++r) {
        auto& p = parts[static_cast<std::size_t>(r)];
        p.rank = r;
        const auto& v = r == 0 ? a : b;
        summed_histogram h;
        for (const auto x : v) {
            h.record(x);
            all.record(x);
        }
        p.histograms["delivery/latency"] = h;
        p.counters["delivery/delivered"] = v.size();
        p.counters["delivery/received_live"] = v.size();
        p.counters["delivery/attempted"] = v.size() + 2;  // two lost on each rank
        p.counters["users"] = 5;
        p.counters["completed"] = 1;
        p.counters["broadcast/count"] = 3;
        p.counters["broadcast/recipients"] = 3 * 5;  // 5 connections each at each broadcast
        p.earliest["first_publish"] = 1'000'000'000;
        p.latest["last_delivery"] = r == 0 ? 3'000'000'000 : 5'000'000'000;
    }
    surge::replay::replay_result result;
    result.run.completed = true;
    surge::replay::apply_merged_parts(result, {part_of_json(part_json(parts[0])), part_of_json(part_json(parts[1]))}, 10.0);
    const auto value = [&](const char* name) {
        const auto* m = result.run.metrics.find(name);
        BOOST_REQUIRE_MESSAGE(m != nullptr, name);
        return m->value;
    };
    const double n = static_cast<double>(a.size() + b.size());
    BOOST_TEST(value("delivery.delivered") == n);
    BOOST_TEST(value("delivery.attempted") == n + 4);
    BOOST_TEST(value("delivery.lost") == 4.0);
    BOOST_TEST(value("delivery.success_rate") == n / (n + 4));
    BOOST_TEST(value("delivery.throughput") == n / 4.0);  // from 1 s to 5 s: the union of the ranks' windows
    BOOST_TEST(value("delivery.latency.p99") == static_cast<double>(all.percentile(99)) * 1e-9);
    BOOST_TEST(value("delivery.latency.p50") == static_cast<double>(all.percentile(50)) * 1e-9);
    BOOST_TEST(value("delivery.latency.max") == static_cast<double>(all.max()) * 1e-9);
    BOOST_TEST(value("delivery.latency.mean") == all.mean() * 1e-9);
    BOOST_TEST(value("broadcast.count") == 3.0);
    BOOST_TEST(value("broadcast.recipients.mean") == 10.0);
    BOOST_TEST(result.run.completed);
    BOOST_TEST(result.live.ranks.size() == 2U);
    BOOST_TEST(result.live.ranks[1]["delivered"].get<std::uint64_t>() == b.size());
    BOOST_TEST(result.live.ranks[0]["users"].get<std::uint64_t>() == 5U);
    BOOST_TEST(result.live.delivery_latency_histogram["count"].get<std::uint64_t>() == a.size() + b.size());
}

BOOST_AUTO_TEST_CASE(a_rank_that_broke_off_makes_the_run_incomplete) {
    std::vector<rank_part> parts(2);
    parts[0].counters["completed"] = 1;
    parts[1].rank = 1;
    parts[1].counters["completed"] = 0;
    surge::replay::replay_result result;
    result.run.completed = true;
    surge::replay::apply_merged_parts(result, parts, 1.0);
    BOOST_TEST(!result.run.completed);
    BOOST_TEST(!result.run.error.empty());
}

BOOST_AUTO_TEST_SUITE_END()
