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
//   protocol_section.hpp, scenario_reader.hpp    the sections
//   overrides.hpp        --set POINTER=VALUE
#pragma once

#include <sim/input_file.hpp>
#include <sim/load/json_document.hpp>
#include <sim/load/json_text.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/overrides.hpp>
#include <sim/load/protocol_section.hpp>
#include <sim/load/scenario_reader.hpp>
#include <sim/protocol.hpp>
#include <sim/threshold.hpp>

#include <nlohmann/json.hpp>

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace surge::sim {

struct loaded_scenario {
    sim::scenario scenario;             // models::scenario plus the thresholds
    nlohmann::json document;            // the document after overrides (for the report)
    /// The "protocol" section, if the scenario has one: for a live replay (surge replay) only;
    /// the simulator ignores it.
    std::optional<protocol_config> protocol;
    std::string file;                   // as given
};

/// Reads, overrides (each "POINTER=VALUE"; VALUE is JSON if it parses as JSON, else a string),
/// validates and converts. Throws input_error.
inline loaded_scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets = {});

/// The same from text already in memory; `file` names it in messages.
inline loaded_scenario load_scenario_text(const std::string& text, const std::string& file,
                                          const std::vector<std::string>& sets = {});

/// A protocol section on its own (surge replay --protocol-file): a JSON object with the keys of the
/// scenario's "protocol" section, or {"protocol": {...}}. Read over `base`; keys it does not set
/// keep base's values. Throws input_error with the loader's messages, `file` naming the text.
inline protocol_config load_protocol_text(const std::string& text, const std::string& file, protocol_config base = {});
inline protocol_config load_protocol_file(const std::string& path, protocol_config base = {});

inline loaded_scenario load_scenario_text(const std::string& text, const std::string& file, const std::vector<std::string>& sets) {
    loaded_scenario out;
    out.file = file;
    out.document = load_detail::parse_document(text, file);
    load_detail::context c{file, {}};
    for (const auto& spec : sets) c.overrides.push_back(load_detail::apply_override(out.document, spec));
    try {
        out.scenario = load_detail::read_scenario(c, out.document);
        if (out.document.contains("protocol"))
            out.protocol = load_detail::read_protocol(
                load_detail::object_view(c, out.document["protocol"], "/protocol", protocol_keys()), protocol_config{});
    } catch (const input_error&) {
        throw;
    } catch (const std::exception& e) {  // a check we did not anticipate: still a message, not a crash
        throw input_error(file + ": invalid scenario: " + e.what());
    }
    return out;
}

inline loaded_scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets) {
    return load_scenario_text(read_text_file(path), path, sets);
}

inline protocol_config load_protocol_text(const std::string& text, const std::string& file, protocol_config base) {
    const auto doc = load_detail::parse_document(text, file);
    load_detail::context c{file, {}};
    try {
        // {"protocol": {...}} (a scenario-like wrapper) or the section's keys at the top level.
        if (doc.is_object() && doc.size() == 1 && doc.contains("protocol") && doc["protocol"].is_object())
            return load_detail::read_protocol(load_detail::object_view(c, doc["protocol"], "/protocol", protocol_keys()), std::move(base));
        return load_detail::read_protocol(load_detail::object_view(c, doc, "", protocol_keys(), "an object (a protocol section)"),
                                          std::move(base));
    } catch (const input_error&) {
        throw;
    } catch (const std::exception& e) {
        throw input_error(file + ": invalid protocol section: " + e.what());
    }
}

inline protocol_config load_protocol_file(const std::string& path, protocol_config base) {
    return load_protocol_text(read_text_file(path), path, std::move(base));
}

} // namespace surge::sim
