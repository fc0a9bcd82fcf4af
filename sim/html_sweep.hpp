// sim/html_sweep.hpp — one self-contained HTML page for a sweep (sweep.json, sim/sweep.hpp) or a
// plan (plan.json, sim/plan.hpp). (Placeholder page until the charts land.)
#pragma once

#include <sim/markup_text.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace surge::sim {

inline std::string html_sweep(const nlohmann::ordered_json& j) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>surge sweep</title></head><body><pre>" + xml_text(j.dump(1)) +
           "</pre></body></html>\n";
}

} // namespace surge::sim
