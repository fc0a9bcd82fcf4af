// tools/commands/scenario_loading.hpp — how every command loads a scenario file: sim/load.hpp,
// then the sections a tool owns (the replay's "protocol", read by tools/replay/protocol_section.hpp,
// no Beast), so that a bad section is bad input in every command and every build; and `surge run
// --service`'s scenario with another file's service sections (sim/calibrate.hpp's with_service).
#pragma once

#include "../replay/protocol_section.hpp"

#include <sim/calibrate.hpp>
#include <sim/load.hpp>

#include <string>
#include <vector>

namespace surge::cli {

/// Reads the sections sim/ carries raw for a tool (the replay's "protocol"), so that every command
/// rejects a bad one as bad input, in builds without the replay too. Throws sim::input_error.
inline void check_tool_sections(const sim::loaded_scenario& loaded) { (void)surge::replay::protocol_of(loaded); }

/// A scenario file, loaded and checked whole (sim/load.hpp, then the tool-owned sections).
inline sim::loaded_scenario load_checked(const std::string& file, const std::vector<std::string>& sets = {},
                                  sim::load_errors errors = sim::load_errors::first) {
    sim::loaded_scenario loaded = sim::load_scenario_file(file, sets, errors);
    check_tool_sections(loaded);
    return loaded;
}

/// SCENARIO's document with FILE's service sections (surge run --service): each file is checked
/// on its own first, so that an error names the file it is in.
inline sim::loaded_scenario load_with_service(const std::string& file, const std::string& service, const std::vector<std::string>& sets) {
    const auto with = load_checked(service);
    const auto base = load_checked(file);
    const auto doc = sim::calibration::with_service(base.document, with.document);
    sim::loaded_scenario loaded = sim::load_scenario_text(doc.dump(), file, sets);
    check_tool_sections(loaded);
    return loaded;
}

} // namespace surge::cli
