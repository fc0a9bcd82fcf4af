// sim/load.hpp — scenario file -> validated models::scenario. JSON syntax errors name file, line
// and column; semantic errors name the JSON pointer, what was expected and what was found; unknown
// keys are errors with a "did you mean" suggestion. `--set /pointer=value` overrides are applied
// to the document before validation.
//
// The format is documented key by key in docs/scenarios.md; sim/scenario.schema.json describes the
// same format for editors. The definitions live in sim/load_detail.hpp, included at the end.
#pragma once

#include <models/params.hpp>
#include <sim/protocol.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge::sim {

/// Bad input: a file that cannot be read, parsed or validated, or a bad --set. what() is the
/// complete message for the user (it starts with the file name). `surge` exits 2 on it.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct loaded_scenario {
    models::scenario scenario;
    nlohmann::json document;            // the document after overrides (for the report)
    /// The "protocol" section, if the scenario has one: for a live replay (surge-replay) only;
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

/// A protocol section on its own (surge-replay --protocol-file): a JSON object with the keys of the
/// scenario's "protocol" section, or {"protocol": {...}}. Read over `base`; keys it does not set
/// keep base's values. Throws input_error with the loader's messages, `file` naming the text.
inline protocol_config load_protocol_text(const std::string& text, const std::string& file, protocol_config base = {});
inline protocol_config load_protocol_file(const std::string& path, protocol_config base = {});

} // namespace surge::sim

#include <sim/load_detail.hpp>
