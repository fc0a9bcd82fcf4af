// tests/sim/test_sweep.cpp — sim/sweep.hpp and sim/plan.hpp: axes as written, the grid's order,
// zipped axes, the Latin hypercube's strata, Student's t and the CI against known values, a
// point's verdict from its runs; the searches against synthetic evaluators whose answer is known
// (and the number of probes they may take), the monotonicity warning, the knee.
#include <sim/plan.hpp>
#include <sim/sweep.hpp>

#include <models/metric_catalogue.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace sw = surge::sim::sweep;
namespace pl = surge::sim::plan;

namespace {

/// A run that passes its one threshold when `pass`, with a delivery p99 of `p99` seconds.
sw::seed_run fake_run(std::uint64_t seed, bool pass, double p99) {
    sw::seed_run r;
    r.seed = seed;
    r.completed = true;
    r.passed = {pass};
    r.metrics.push_back({std::string(surge::models::metric_of(surge::models::metric_id::delivery_latency_p99).name), p99, "s"});
    return r;
}

/// One threshold on the delivery p99: "< 1s".
std::vector<surge::sim::threshold> one_threshold() {
    surge::sim::threshold t;
    t.metric = std::string(surge::models::metric_of(surge::models::metric_id::delivery_latency_p99).name);
    t.expression = "< 1s";
    t.comparison = surge::sim::threshold::op::lt;
    t.value = 1;
    return {t};
}

double value_of(const sw::point& p) {
    const auto& v = p.front().value;
    if (v.is_number()) return v.get<double>();
    const auto s = v.get<std::string>();
    return std::stod(s.substr(0, s.size() - 2));  // "123/s"
}

} // namespace

BOOST_AUTO_TEST_SUITE(sweep_tests)

BOOST_AUTO_TEST_CASE(axes_lists_and_ranges) {
    auto a = sw::parse_axis("--vary", "/server/workers=4,8,16");
    BOOST_TEST(a.pointer == "/server/workers");
    BOOST_TEST(a.values.size() == 3u);
    BOOST_TEST(a.values[2].get<int>() == 16);
    a = sw::parse_axis("--vary", "/duration=30s,true");  // JSON where it parses, else a string
    BOOST_TEST(a.values[0].get<std::string>() == "30s");
    BOOST_TEST(a.values[1].is_boolean());
    a = sw::parse_axis("--vary", "/database/pool_size=10..50:10");
    BOOST_REQUIRE(a.values.size() == 5u);
    BOOST_TEST(a.values[4].get<int>() == 50);
    a = sw::parse_axis("--vary", "/x=1..4");  // integers: step 1
    BOOST_TEST(a.values.size() == 4u);
    a = sw::parse_axis("--vary", "/links/latency=10ms..30ms:10ms");
    BOOST_REQUIRE(a.values.size() == 3u);
    BOOST_TEST(a.values[1].get<std::string>() == "20ms");
    a = sw::parse_axis("--vary", "/load/0/rate=100/s..300/s:50/s");
    BOOST_REQUIRE(a.values.size() == 5u);
    BOOST_TEST(a.values[3].get<std::string>() == "250/s");
    a = sw::parse_axis("--vary", "/x=0.1..0.3:0.1");  // lo + k * step, not accumulated: 0.3 is in
    BOOST_TEST(a.values.size() == 3u);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "/x=1ms..5:1"), sw::sweep_error);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "/x=5..1"), sw::sweep_error);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "/x=1..5:0"), sw::sweep_error);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "x=1"), sw::sweep_error);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "/x=1,,2"), sw::sweep_error);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "/x=1..1000000"), sw::sweep_error);
    BOOST_CHECK_THROW(sw::parse_axis("--vary", "/x=1ms..5ms"), sw::sweep_error);  // no step
    BOOST_CHECK_NO_THROW(sw::parse_axis("--vary", "/x=1ms..5ms", true));           // --sample
}

BOOST_AUTO_TEST_CASE(set_texts_keep_strings_strings) {
    BOOST_TEST(sw::set_text({"/a", 4}) == "/a=4");
    BOOST_TEST(sw::set_text({"/a", "30s"}) == "/a=30s");
    BOOST_TEST(sw::set_text({"/a", "true"}) == R"(/a="true")");  // a string that reads as JSON is quoted
}

BOOST_AUTO_TEST_CASE(grid_order_and_zip) {
    const auto a = sw::parse_axis("--vary", "/a=1,2");
    const auto b = sw::parse_axis("--vary", "/b=10,20,30");
    const auto z1 = sw::parse_axis("--zip", "/z=5,6");
    const auto z2 = sw::parse_axis("--zip", "/y=7,8");
    const auto g = sw::grid({a, b}, {z1, z2});
    BOOST_REQUIRE(g.size() == 12u);
    // The zip varies fastest, then the last --vary axis.
    BOOST_TEST(sw::point_json(g[0]).dump() == R"({"/a":1,"/b":10,"/z":5,"/y":7})");
    BOOST_TEST(sw::point_json(g[1]).dump() == R"({"/a":1,"/b":10,"/z":6,"/y":8})");
    BOOST_TEST(sw::point_json(g[2]).dump() == R"({"/a":1,"/b":20,"/z":5,"/y":7})");
    BOOST_TEST(sw::point_json(g[11]).dump() == R"({"/a":2,"/b":30,"/z":6,"/y":8})");
    BOOST_CHECK_THROW(sw::grid({a}, {z1, sw::parse_axis("--zip", "/y=1,2,3")}), sw::sweep_error);
}

BOOST_AUTO_TEST_CASE(latin_hypercube_strata) {
    const auto a = sw::parse_axis("--vary", "/a=0..1000", true);
    const auto b = sw::parse_axis("--vary", "/b=1ms..2ms", true);
    const auto c = sw::parse_axis("--vary", "/c=x,y,z,w,v", true);
    const std::size_t n = 50;
    const auto pts = sw::latin_hypercube({a, b, c}, n, 7);
    BOOST_REQUIRE(pts.size() == n);
    // Each of the n strata of /a and /b holds exactly one point.
    std::set<long> strata_a, strata_b;
    std::map<std::string, int> per_item;
    for (const auto& p : pts) {
        const double va = p[0].value.get<double>();
        BOOST_TEST((va >= 0 && va <= 1000));
        strata_a.insert(static_cast<long>(va * static_cast<double>(n) / 1001));
        const auto d = surge::parse_duration(p[1].value.get<std::string>());
        BOOST_TEST((d >= surge::duration::milliseconds(1) && d < surge::duration::milliseconds(2)));
        strata_b.insert(static_cast<long>((d.seconds_f() - 0.001) / 0.001 * static_cast<double>(n)));
        ++per_item[p[2].value.get<std::string>()];
    }
    BOOST_TEST(strata_a.size() <= n);
    BOOST_TEST(strata_a.size() >= n - 2);  // integer parts of the a-range can share a stratum edge
    BOOST_TEST(strata_b.size() == n);
    for (const auto& [item, count] : per_item) BOOST_TEST(count == 10);  // 50 strata over 5 items
    // The same seed, the same points; another, others.
    BOOST_TEST(sw::point_json(sw::latin_hypercube({a, b, c}, n, 7)[3]).dump() == sw::point_json(pts[3]).dump());
    BOOST_TEST(sw::point_json(sw::latin_hypercube({a, b, c}, n, 8)[3]).dump() != sw::point_json(pts[3]).dump());
}

BOOST_AUTO_TEST_CASE(student_t_and_ci) {
    BOOST_TEST(sw::t95(1) == 12.706);
    BOOST_TEST(sw::t95(4) == 2.776);
    BOOST_TEST(sw::t95(30) == 2.042);
    BOOST_TEST(std::abs(sw::t95(60) - 2.000) < 0.001);   // tables: 2.000
    BOOST_TEST(std::abs(sw::t95(120) - 1.980) < 0.001);  // 1.980
    BOOST_TEST(std::abs(sw::t95(100000) - 1.960) < 0.001);
    // 2, 4, 6, 8, 10: mean 6, s = sqrt(10), CI = 2.776 * sqrt(10) / sqrt(5) = 2.776 * sqrt(2).
    const auto s = sw::summarise("m", "s", {2, 4, 6, 8, 10});
    BOOST_TEST(s.mean == 6.0);
    BOOST_TEST(std::abs(s.ci95 - 2.776 * std::sqrt(2.0)) < 1e-12);
    BOOST_TEST(s.min == 2.0);
    BOOST_TEST(s.max == 10.0);
    BOOST_TEST(!sw::summarise("m", "s", {3}).has_ci);  // one seed: no interval
}

BOOST_AUTO_TEST_CASE(point_verdicts) {
    const auto pass = sw::summarise_point(0, {}, {fake_run(1, true, 1), fake_run(2, true, 1)}, 1);
    BOOST_TEST(std::string(sw::verdict_name(pass.verdict)) == "pass");
    BOOST_TEST(pass.pass_rate == 1.0);
    const auto mixed = sw::summarise_point(0, {}, {fake_run(1, true, 1), fake_run(2, false, 3), fake_run(3, true, 2)}, 1);
    BOOST_TEST(std::string(sw::verdict_name(mixed.verdict)) == "mixed");
    BOOST_TEST(std::abs(mixed.threshold_pass_rates[0] - 2.0 / 3) < 1e-12);
    BOOST_TEST(mixed.metrics.front().mean == 2.0);
    auto stopped = fake_run(1, true, 1);
    stopped.completed = false;  // a run that stopped on an error passes nothing
    BOOST_TEST(std::string(sw::verdict_name(sw::summarise_point(0, {}, {stopped}, 1).verdict)) == "fail");
    sw::seed_run broken;
    broken.error = "bad";
    BOOST_TEST(std::string(sw::verdict_name(sw::summarise_point(0, {}, {broken}, 1).verdict)) == "error");
}

BOOST_AUTO_TEST_CASE(seed_runs_round_trip_exactly) {
    auto r = fake_run(9, true, 0.1 + 0.2);  // not a short decimal
    r.trace_hash = 0xfedcba9876543210ULL;
    const auto back = sw::seed_run_from_json(nlohmann::ordered_json::parse(sw::to_json(r).dump()));
    BOOST_TEST(back.trace_hash == r.trace_hash);
    BOOST_TEST(back.metrics.front().value == r.metrics.front().value);  // bit for bit
    BOOST_TEST(back.passed == r.passed);
}

BOOST_AUTO_TEST_CASE(parallel_for_runs_each_index_once) {
    std::vector<std::atomic<int>> hits(1000);
    sw::parallel_for(hits.size(), 4, [&](std::size_t i) { hits[i].fetch_add(1); });
    for (const auto& h : hits) BOOST_TEST(h.load() == 1);
}

BOOST_AUTO_TEST_CASE(minimize_finds_the_threshold_in_few_probes) {
    for (const std::int64_t answer : {1, 2, 17, 100, 255, 256}) {
        std::size_t calls = 0;
        const pl::evaluator eval = [&](const sw::point& p) {
            ++calls;
            const bool ok = value_of(p) >= static_cast<double>(answer);
            return std::vector<sw::seed_run>{fake_run(1, ok, 1), fake_run(2, ok, 1)};
        };
        const auto r = pl::minimize("/w", 1, 256, eval, one_threshold());
        BOOST_REQUIRE(r.answer.has_value());
        BOOST_TEST(*r.answer == static_cast<double>(answer));
        // Galloping then bisection: at most 2 log2(answer) + 2 probes, each value once.
        BOOST_TEST(calls == r.probes.size());
        BOOST_TEST(static_cast<double>(calls) <= 2 * std::log2(static_cast<double>(answer)) + 2);
        BOOST_TEST(r.warnings.empty());
    }
    const pl::evaluator never = [](const sw::point&) { return std::vector<sw::seed_run>{fake_run(1, false, 1)}; };
    const auto none = pl::minimize("/w", 1, 64, never, one_threshold());
    BOOST_TEST(!none.answer.has_value());
    BOOST_TEST(*none.failing_neighbour == 64.0);
}

BOOST_AUTO_TEST_CASE(minimize_needs_every_seed_and_warns_when_not_monotone) {
    // 10 passes in one seed of two: not enough; 12 and above pass in both.
    const pl::evaluator eval = [](const sw::point& p) {
        const double v = value_of(p);
        return std::vector<sw::seed_run>{fake_run(1, v >= 10, 1), fake_run(2, v >= 12, 1)};
    };
    BOOST_TEST(*pl::minimize("/w", 1, 64, eval, one_threshold()).answer == 12.0);
    // Passes at 2 (visited by the gallop) but fails at 3..8: a gallop and bisection cannot see
    // it (their verdicts never contradict each other), and take the first pass.
    const pl::evaluator odd = [](const sw::point& p) {
        const double v = value_of(p);
        const bool ok = v == 2 || v >= 9;
        return std::vector<sw::seed_run>{fake_run(1, ok, 1)};
    };
    const auto r = pl::minimize("/w", 1, 64, odd, one_threshold());
    BOOST_TEST(*r.answer == 2.0);  // the gallop's first pass: the search cannot know better
    const auto r2 = pl::minimize("/w", 3, 64, odd, one_threshold());
    BOOST_TEST(*r2.answer == 9.0);
    BOOST_TEST(r2.warnings.empty());
    // Passes from 17 up, but the p99 (threshold "< 1s") rises from 24 to 32 by more than the noise.
    const pl::evaluator dip = [](const sw::point& p) {
        const double v = value_of(p);
        const double p99 = v == 32 ? 0.5 : 0.2;
        return std::vector<sw::seed_run>{fake_run(1, v >= 17, p99), fake_run(2, v >= 17, p99 + 0.01)};
    };
    const auto r3 = pl::minimize("/w", 1, 64, dip, one_threshold());
    BOOST_TEST(*r3.answer == 17.0);
    BOOST_REQUIRE(r3.warnings.size() == 1u);
    BOOST_TEST(r3.warnings[0].find("not monotone in /w") != std::string::npos);
    BOOST_TEST(r3.warnings[0].find("from 24 to 32") != std::string::npos);
    // Within the noise: no warning.
    const pl::evaluator noisy = [](const sw::point& p) {
        const double v = value_of(p);
        const double p99 = v == 32 ? 0.21 : 0.2;
        return std::vector<sw::seed_run>{fake_run(1, v >= 17, p99), fake_run(2, v >= 17, p99 + 0.01)};
    };
    BOOST_TEST(pl::minimize("/w", 1, 64, noisy, one_threshold()).warnings.empty());
}

BOOST_AUTO_TEST_CASE(max_load_and_knee) {
    // Passes up to 1234/s; p99 = 10 ms below 500/s, then 10 ms * (load / 500)^3.
    const pl::evaluator eval = [](const sw::point& p) {
        const double load = value_of(p);
        const double p99 = load <= 500 ? 0.01 : 0.01 * std::pow(load / 500, 3);
        return std::vector<sw::seed_run>{fake_run(1, load <= 1234, p99), fake_run(2, load <= 1234, p99)};
    };
    const auto r = pl::max_load("/load/0/rate", 10, 100000, eval, 1, 0.01, 2);
    BOOST_REQUIRE(r.answer.has_value());
    BOOST_REQUIRE(r.failing_neighbour.has_value());
    BOOST_TEST(*r.answer <= 1234.0);
    BOOST_TEST(*r.failing_neighbour > 1234.0);
    BOOST_TEST(*r.failing_neighbour / *r.answer <= 1.01 + 1e-9);
    // The knee: p99 > 2 x 10 ms where (load / 500)^3 > 2, above 500 * 2^(1/3) = 629.96/s.
    BOOST_REQUIRE(r.knee.has_value());
    BOOST_TEST(*r.knee > 629.96);
    BOOST_TEST(*r.below_knee <= 629.96);
    BOOST_TEST(*r.knee / *r.below_knee <= 1.01 + 1e-9);
    BOOST_TEST(*r.base_p99 == 0.01);
    for (const auto& p : r.probes) BOOST_TEST(value_of(p.values) == pl::detail::round4(value_of(p.values)));  // 4 digits
    // Everything passes: the answer is the top of the range, no failing neighbour, no knee.
    const pl::evaluator flat = [](const sw::point&) { return std::vector<sw::seed_run>{fake_run(1, true, 0.01)}; };
    const auto all = pl::max_load("/load/0/rate", 10, 1000, flat, 1, 0.01, 2);
    BOOST_TEST(*all.answer == 1000.0);
    BOOST_TEST(!all.failing_neighbour.has_value());
    BOOST_TEST(!all.knee.has_value());
}

BOOST_AUTO_TEST_CASE(round4) {
    BOOST_TEST(pl::detail::round4(348.90000000000003) == 348.9);
    BOOST_TEST(pl::detail::round4(1414.2135) == 1414.0);
    BOOST_TEST(pl::detail::round4(0.012345) == 0.01235);
}

BOOST_AUTO_TEST_SUITE_END()
