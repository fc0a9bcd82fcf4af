// tests/fuzz/fuzz_scenario.cpp — libFuzzer target: the scenario loader with --set overrides, as
// `surge validate FILE --set ...` calls it. Input: scenario text, then optionally a line "%%" and
// one "POINTER=VALUE" override per line. An input_error is the expected answer to bad input;
// anything else (another exception, a crash, UB, a leak, a timeout, running out of memory) is a
// finding. The document the run would write into its report is serialised too (the report writer
// dumps it, issue 12 item 2), and the replay's protocol section is read by its reader
// (tools/replay/protocol_section.hpp), as surge validate does.
#include "fuzz_split.hpp"

#include <sim/load.hpp>
#include <tools/replay/protocol_section.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [scenario, rest] = surge::fuzz::split_once(surge::fuzz::as_text(data, size));
    const auto sets = surge::fuzz::lines(rest);
    try {
        const auto loaded = surge::sim::load_scenario_text(std::string(scenario), "fuzz.json", sets);
        (void)loaded.document.dump();
        // The tool's section, read as every command that loads a scenario reads it.
        if (const auto protocol = surge::replay::protocol_of(loaded)) (void)protocol->auth.dump();
    } catch (const surge::sim::input_error&) {
    }
    return 0;
}
