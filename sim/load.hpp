// sim/load.hpp — scenario file -> validated sim::scenario (the models' parameters and the
// thresholds). JSON syntax errors name file, line and column; semantic errors name the JSON
// pointer, what was expected and what was found; unknown keys are errors with a "did you mean"
// suggestion. `--set /pointer=value` overrides are applied to the document before validation.
//
// The format is documented key by key in docs/scenarios.md; sim/scenario.schema.json describes the
// same format for editors. This is the loader's one entry point; the pieces live in sim/load/:
//   json_text.hpp        input_error, the error context ("FILE: /pointer: expected X, found Y"),
//                        "did you mean"
//   json_values.hpp      typed reads of one value, enums through their name tables
//   unit_values.hpp      durations, times, rates, sizes, bandwidths
//   object_view.hpp      an object's keys checked before its values are read
//   json_document.hpp    strict parsing: syntax error positions, duplicate keys, nesting limit
//   (sim/input_file.hpp) the bounded file reader: the input size limit
//   distributions.hpp, service_sections.hpp, load_phases.hpp, faults.hpp, thresholds.hpp,
//   scenario_reader.hpp  the sections
//   overrides.hpp        --set POINTER=VALUE
// load_errors::all reads on past a bad key and reports every error of the file (surge validate).
// A section a tool owns (the replay's "protocol") is carried raw, as a tool_section: the tool reads
// it with these same primitives (tools/replay/protocol_section.hpp), so its messages look the same.
#pragma once

#include <sim/input_file.hpp>
#include <sim/load/json_document.hpp>
#include <sim/load/json_text.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/overrides.hpp>
#include <sim/load/scenario_reader.hpp>
#include <sim/threshold.hpp>

#include <nlohmann/json.hpp>

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace surge::sim {

/// A scenario section that a tool owns and reads itself: sim/ allows the key and carries the value,
/// knowing nothing of what is inside, with what the tool's reader needs for the loader's messages.
struct tool_section {
    nlohmann::json value;               // as the document has it after the --set overrides
    std::string pointer;                // where it is in the document: "/protocol"
    load_detail::context context;       // the scenario file and the --set overrides, for messages
};

struct loaded_scenario {
    sim::scenario scenario;             // models::scenario plus the thresholds
    nlohmann::json document;            // the document after overrides (for the report)
    /// The "protocol" section, if the scenario has one: the live replay's (surge replay reads it
    /// with tools/replay/protocol_section.hpp); the simulator ignores it.
    std::optional<tool_section> protocol;
    std::string file;                   // as given
};

/// How many of a file's errors reading reports: the first (thrown as soon as it is found: surge
/// run), or all (each key is read even after one failed; thrown at the end as input_errors, at most
/// error_list::max_reported messages: surge validate). A file that cannot be read or is not JSON,
/// a bad --set, or a document that is not an object stops reading in either mode.
enum class load_errors : unsigned char { first, all };

/// Reads, overrides (each "POINTER=VALUE"; VALUE is JSON if it parses as JSON, else a string),
/// validates and converts. Throws input_error (with load_errors::all, input_errors).
inline loaded_scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets = {},
                                          load_errors errors = load_errors::first);

/// The same from text already in memory; `file` names it in messages.
inline loaded_scenario load_scenario_text(const std::string& text, const std::string& file,
                                          const std::vector<std::string>& sets = {},
                                          load_errors errors = load_errors::first);

inline loaded_scenario load_scenario_text(const std::string& text, const std::string& file, const std::vector<std::string>& sets,
                                          load_errors errors) {
    load_detail::error_list found;
    const auto all_errors = [&] { return input_errors(found.messages(), found.more(), file); };
    loaded_scenario out;
    out.file = file;
    load_detail::context c{file, {}, errors == load_errors::all ? &found : nullptr};
    try {
        out.document = load_detail::parse_document(text, file);
        for (const auto& spec : sets) c.overrides.push_back(load_detail::apply_override(out.document, spec));
        try {
            out.scenario = load_detail::read_scenario(c, out.document);
            if (out.document.contains("protocol")) out.protocol = tool_section{out.document["protocol"], "/protocol", c};
        } catch (const input_error&) {
            throw;
        } catch (const std::exception& e) {  // a check we did not anticipate: still a message, not a crash
            throw input_error(file + ": invalid scenario: " + e.what());
        }
    } catch (const input_error& e) {
        if (errors == load_errors::first) throw;
        found.add(e.what());  // an error that stops reading comes after those found before it
        throw all_errors();
    }
    if (!found.empty()) throw all_errors();
    // The context the tool reads its section with reports the first error (it has no list).
    if (out.protocol) out.protocol->context.errors = nullptr;
    return out;
}

inline loaded_scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets, load_errors errors) {
    if (errors == load_errors::first) return load_scenario_text(read_text_file(path), path, sets, errors);
    std::string text;
    try {
        text = read_text_file(path);
    } catch (const input_error& e) {
        throw input_errors({e.what()}, 0, path);
    }
    return load_scenario_text(text, path, sets, errors);
}

} // namespace surge::sim
