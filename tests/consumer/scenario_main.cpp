// Builds against the installed scenario layer (surge::sim): loads a scenario file, runs it twice,
// evaluates its thresholds and reads the report, checking it against the installed report schema
// (share/surge/report.schema.json, SURGE_DATA_DIR from the package). Writes the report to
// REPORT.json, which tests/consumer/check.cmake compares with `surge run`'s on the same file.
#include <sim/load.hpp>
#include <sim/report.hpp>
#include <sim/run.hpp>
#include <sim/system.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
    if (!ok) {
        std::printf("FAIL: %s\n", what.c_str());
        ++failures;
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::printf("usage: consumer_sim SCENARIO.json REPORT.json\n");
        return 2;
    }
    const std::string file = argv[1];
    const surge::sim::loaded_scenario loaded = surge::sim::load_scenario_file(file);
    expect(loaded.scenario.name == "consumer-small", "the scenario's name is read");

    const surge::sim::run_result first = surge::sim::run(loaded.scenario);
    const surge::sim::run_result second = surge::sim::run(loaded.scenario);
    expect(first.completed, "the run completes: " + first.error);
    expect(first.events > 0, "the run executes events");
    expect(first.trace_hash == second.trace_hash, "a second run gives the same trace hash");
    expect(first.seed == 11, "the scenario's seed is used");

    // Two thresholds: the success rate holds, a throughput of 1000/s (the load is 50/s) does not.
    const auto verdicts = surge::sim::evaluate(loaded.scenario.thresholds, first.metrics);
    expect(verdicts.size() == 2, "two thresholds evaluated");
    expect(surge::sim::exit_code(verdicts, first.completed) == 1, "exit code 1: one threshold fails");

    const surge::sim::scenario_info info{loaded.scenario.name, file, {}, loaded.document};
    const std::string text = surge::sim::report_text(surge::sim::make_report(first, info, verdicts));
    std::ofstream(argv[2]) << text;
    const auto report = nlohmann::json::parse(text);
    expect(report.at("mode") == "sim", "the report's mode is sim");
    expect(report.at("trace_hash") == surge::sim::format_trace_hash(first.trace_hash), "the report holds the trace hash");
    const double delivered = report.at("metrics").at("delivery").at("delivered").get<double>();
    expect(delivered > 0, "notifications were delivered");

    // The installed schema: every key it requires is in the report, and the report has no other.
    std::ifstream in(std::string(SURGE_DATA_DIR) + "/report.schema.json");
    expect(static_cast<bool>(in), "the report schema is installed in " + std::string(SURGE_DATA_DIR));
    if (in) {
        const auto schema = nlohmann::json::parse(in);
        for (const auto& key : schema.at("required")) expect(report.contains(key.get<std::string>()), "the report has " + key.dump());
        for (const auto& [key, value] : report.items()) expect(schema.at("properties").contains(key), "the schema allows " + key);
    }
    std::ifstream scenario_schema(std::string(SURGE_DATA_DIR) + "/scenario.schema.json");
    expect(static_cast<bool>(scenario_schema), "the scenario schema is installed");

    std::printf("trace_hash=%s delivered=%.0f\n", surge::sim::format_trace_hash(first.trace_hash).c_str(), delivered);
    return failures == 0 ? 0 : 1;
}
