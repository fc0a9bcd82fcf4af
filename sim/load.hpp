// sim/load.hpp — scenario file -> validated models::scenario. JSON syntax errors name file, line
// and column; semantic errors name the JSON pointer, what was expected and what was found; unknown
// keys are errors with a "did you mean" suggestion. `--set /pointer=value` overrides are applied
// to the document before validation.
//
// The format is documented key by key in docs/scenarios.md; sim/scenario.schema.json describes the
// same format for editors. The definitions live in sim/load_detail.hpp, included at the end.
#pragma once

#include <models/params.hpp>

#include <nlohmann/json.hpp>

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
    std::string file;                   // as given
};

/// Reads, overrides (each "POINTER=VALUE"; VALUE is JSON if it parses as JSON, else a string),
/// validates and converts. Throws input_error.
inline loaded_scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets = {});

/// The same from text already in memory; `file` names it in messages.
inline loaded_scenario load_scenario_text(const std::string& text, const std::string& file,
                                          const std::vector<std::string>& sets = {});

} // namespace surge::sim

#include <sim/load_detail.hpp>
