// sim/report_reader.hpp — a report document read back into metrics: the nested "metrics" object
// and the flat "units" map (docs/report.md) -> a metric_set in document order. `surge diff` and the
// live replay's --compare read reports through it, and read the file through read_report_json
// (bounded in size, nesting and duplicate keys like every input; sim/input_file.hpp).
#pragma once

#include <sim/input_file.hpp>
#include <sim/load/json_document.hpp>

#include <models/metrics.hpp>

#include <nlohmann/json.hpp>

#include <limits>
#include <string_view>
#include <stdexcept>
#include <string>

namespace surge::sim {

/// A file that is not a readable surge report, or two reports that cannot be compared.
/// `surge diff` exits 2 on it; what() is the whole message.
class report_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A report's text -> its document, parsed like every input (sim/load/json_document.hpp) with the
/// report nesting limit (a report embeds its scenario a few levels down). Throws report_error
/// naming `file`.
template <class Json = nlohmann::json>
Json parse_report_json(std::string_view text, const std::string& file) {
    try {
        return load_detail::parse_strict<Json>(text, file, load_detail::max_report_depth);
    } catch (const input_error& e) {
        throw report_error(e.what());
    }
}

/// The file `path` read (bounded: SURGE_MAX_INPUT_BYTES) and parsed as parse_report_json does.
template <class Json = nlohmann::json>
Json read_report_json(const std::string& path) {
    std::string text;
    try {
        text = read_text_file(path);
    } catch (const input_error& e) {
        throw report_error(e.what());
    }
    return parse_report_json<Json>(text, path);
}

namespace report_reader_detail {

/// Adds the numbers under `node` to `out` by dotted name, in document order; null -> NaN (a value
/// that was not finite). A key that holds dots itself (a name whose path was blocked, kept flat)
/// reads back as that name.
template <class Json>
void flatten(const Json& node, const std::string& prefix, const Json& units, models::metric_set& out,
             const std::string& where) {
    for (const auto& item : node.items()) {
        const std::string name = prefix.empty() ? item.key() : prefix + "." + item.key();
        const auto& v = item.value();
        if (v.is_object()) {
            flatten(v, name, units, out, where);
            continue;
        }
        double value = 0;
        if (v.is_number()) value = v.template get<double>();
        else if (v.is_null()) value = std::numeric_limits<double>::quiet_NaN();
        else throw report_error(where + ": metrics." + name + " is not a number");
        std::string unit;
        if (units.is_object())
            if (const auto u = units.find(name); u != units.end() && u->is_string()) unit = u->template get<std::string>();
        out.set(name, value, unit);
    }
}

} // namespace report_reader_detail

/// The metrics of one run's report (a single-run report, or one test of a suite report), with the
/// units its "units" map gives ("" for a name it leaves out). `where` names the document in
/// messages. Throws report_error when there is no "metrics" object or a metric is not a number.
template <class Json>
models::metric_set report_metrics(const Json& run, const std::string& where) {
    if (!run.is_object()) throw report_error(where + ": not a JSON object");
    const auto m = run.find("metrics");
    if (m == run.end() || !m->is_object()) throw report_error(where + ": not a surge report (no \"metrics\" object)");
    const auto u = run.find("units");
    const Json no_units = Json::object();
    models::metric_set out;
    report_reader_detail::flatten(*m, "", u != run.end() ? *u : no_units, out, where);
    return out;
}

} // namespace surge::sim
