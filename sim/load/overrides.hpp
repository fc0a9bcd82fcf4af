// sim/load/overrides.hpp — `--set POINTER=VALUE`: one override applied to the document before it
// is validated. VALUE is JSON if it parses as JSON, else a string (so --set /duration=30s works
// unquoted); the parent of POINTER must exist, and POINTER/- appends to an array.
#pragma once

#include <sim/load/json_document.hpp>
#include <sim/load/json_text.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline const char* type_name_of(const json& j) {
    switch (j.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
    }
}

/// An array index token: "0" or digits without a leading zero.
inline std::optional<std::size_t> array_index(const std::string& token) {
    if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) return std::nullopt;
    std::size_t v = 0;
    for (char ch : token) {
        if (ch < '0' || ch > '9') return std::nullopt;
        v = v * 10 + static_cast<std::size_t>(ch - '0');
    }
    return v;
}

/// Applies one "POINTER=VALUE" to `doc`; returns where it landed.
inline override_origin apply_override(json& doc, const std::string& spec) {
    const auto fail = [&](const std::string& why) -> override_origin { throw input_error("--set " + quote_prefix(spec) + ": " + why); };
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) return fail("expected POINTER=VALUE, e.g. --set /server/workers=16 (there is no '=')");
    const std::string pointer = spec.substr(0, eq);
    const std::string text = spec.substr(eq + 1);
    if (pointer.empty() || pointer.front() != '/')
        return fail("the part before '=' must be a JSON pointer starting with '/', e.g. /database/pool_size");
    std::vector<std::string> tokens;
    try {
        const json::json_pointer jp(pointer);
        json::json_pointer walk = jp;
        while (!walk.empty()) {
            tokens.insert(tokens.begin(), walk.back());
            walk.pop_back();
        }
    } catch (const json::exception& e) {
        return fail("bad JSON pointer: " + syntax_error_text(e.what()));
    }

    // Not JSON: a string, so --set /duration=30s works unquoted. JSON is read like a file: a
    // duplicate key or too deep a nesting is an error, not a string.
    json value = json::accept(text) ? parse_strict<json>(text, "--set " + quote_prefix(spec)) : json(text);
    // A string must be UTF-8, as a file's are (its parser checks): the document goes into the
    // report, and writing a string that is not UTF-8 throws (found by fuzz_scenario).
    if (value.is_string()) {
        try {
            (void)value.dump();
        } catch (const json::type_error& e) {
            const std::string what = e.what();
            return fail("the value is not UTF-8 text (" + what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2) + ")");
        }
    }

    json* node = &doc;
    std::string where;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        const std::string& tok = tokens[i];
        const std::string next = where + "/" + pointer_token(tok);
        if (node->is_object()) {
            auto it = node->find(tok);
            if (it == node->end())
                return fail("no such parent " + next + " in the scenario (set the whole " +
                            (where.empty() ? "/" + pointer_token(tok) : next) + " object instead)");
            node = &*it;
        } else if (node->is_array()) {
            const auto idx = array_index(tok);
            if (!idx || *idx >= node->size())
                return fail("no such parent " + next + ": " + (where.empty() ? "/" : where) + " has " +
                            std::to_string(node->size()) + " elements");
            node = &(*node)[*idx];
        } else {
            return fail("no such parent " + next + ": " + (where.empty() ? "/" : where) + " is " + type_name_of(*node));
        }
        where = next;
    }
    const std::string& last = tokens.back();
    if (node->is_object()) {
        (*node)[last] = std::move(value);
        return {where + "/" + pointer_token(last), spec};
    }
    if (node->is_array()) {
        if (last == "-") {
            node->push_back(std::move(value));
            return {where + "/" + std::to_string(node->size() - 1), spec};
        }
        const auto idx = array_index(last);
        if (!idx || *idx >= node->size())
            return fail("index " + last + " is not an element of " + where + " (it has " + std::to_string(node->size()) +
                        " elements; " + where + "/- appends)");
        (*node)[*idx] = std::move(value);
        return {where + "/" + last, spec};
    }
    return fail((where.empty() ? std::string("the document") : where) + " is " + type_name_of(*node) +
                ", not an object or array");
}

} // namespace surge::sim::load_detail
