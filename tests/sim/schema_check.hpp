// tests/sim/schema_check.hpp — a small JSON Schema (draft 2020-12) validator for the subset of
// keywords sim/scenario.schema.json uses, so the tests can check that the schema and the loader
// agree without a schema library. Test-only.
//
// Supported: type, enum, const, properties, required, additionalProperties (bool or schema), items,
// minItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, pattern (std::regex,
// ECMAScript, unanchored as the spec says), oneOf, anyOf, $ref to "#/$defs/NAME"; the annotations
// $schema, $id, title, description and $defs are ignored. unsupported_keywords() lists anything
// else the schema uses, so that a keyword this validator would silently skip fails a test.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace surge::test {

struct schema_error {
    std::string pointer;  // where in the instance
    std::string message;
};

class schema_validator {
public:
    using json = nlohmann::json;

    explicit schema_validator(json schema) : root_(std::move(schema)) {}

    /// Errors of `instance` against the root schema, or against `#/$defs/<def>` if `def` is given.
    [[nodiscard]] std::vector<schema_error> validate(const json& instance, const std::string& def = {}) const {
        std::vector<schema_error> errors;
        check(def.empty() ? root_ : resolve("#/$defs/" + def), instance, "", errors);
        return errors;
    }
    [[nodiscard]] bool accepts(const json& instance, const std::string& def = {}) const { return validate(instance, def).empty(); }

    /// Keywords used anywhere in the schema that this validator does not implement.
    [[nodiscard]] std::set<std::string> unsupported_keywords() const {
        std::set<std::string> out;
        scan(root_, out);
        return out;
    }

    [[nodiscard]] const json& schema() const noexcept { return root_; }

private:
    static bool is_schema_keyword(const std::string& k) {
        static const std::set<std::string> known{"type", "enum", "const", "properties", "required", "additionalProperties",
                                                 "items", "minItems", "minimum", "maximum", "exclusiveMinimum",
                                                 "exclusiveMaximum", "minLength", "pattern", "oneOf", "anyOf", "$ref",
                                                 "$schema", "$id", "title", "description", "$defs"};
        return known.count(k) != 0;
    }

    void scan(const json& s, std::set<std::string>& out) const {
        if (s.is_boolean()) return;
        if (!s.is_object()) {
            out.insert("(a schema that is neither an object nor a boolean)");
            return;
        }
        for (const auto& [k, v] : s.items()) {
            if (!is_schema_keyword(k)) out.insert(k);
            if (k == "properties" || k == "$defs")
                for (const auto& [name, sub] : v.items()) scan(sub, out);
            if (k == "items" || k == "additionalProperties") scan(v, out);
            if (k == "oneOf" || k == "anyOf")
                for (const auto& sub : v) scan(sub, out);
        }
    }

    const json& resolve(const std::string& ref) const {
        const std::string prefix = "#/$defs/";
        if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("schema_check: unsupported $ref " + ref);
        return root_.at("$defs").at(ref.substr(prefix.size()));
    }

    const std::regex& regex_for(const std::string& pattern) const {
        auto it = regexes_.find(pattern);
        if (it == regexes_.end())
            it = regexes_.emplace(pattern, std::make_unique<std::regex>(pattern, std::regex::ECMAScript)).first;
        return *it->second;
    }

    static bool has_type(const json& inst, const std::string& type) {
        if (type == "object") return inst.is_object();
        if (type == "array") return inst.is_array();
        if (type == "string") return inst.is_string();
        if (type == "boolean") return inst.is_boolean();
        if (type == "null") return inst.is_null();
        if (type == "number") return inst.is_number();
        if (type == "integer") {
            if (inst.is_number_integer()) return true;
            if (!inst.is_number_float()) return false;
            const double d = inst.get<double>();
            return std::isfinite(d) && std::floor(d) == d;
        }
        return false;
    }

    static std::size_t code_points(const std::string& s) {
        std::size_t n = 0;
        for (char c : s)
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
        return n;
    }

    static std::string token(const std::string& key) {
        std::string out;
        for (char c : key) {
            if (c == '~') out += "~0";
            else if (c == '/') out += "~1";
            else out += c;
        }
        return out;
    }

    void check(const json& s, const json& inst, const std::string& ptr, std::vector<schema_error>& errors) const {
        const auto fail = [&](const std::string& m) { errors.push_back({ptr, m}); };
        if (s.is_boolean()) {
            if (!s.get<bool>()) fail("no value is allowed here");
            return;
        }
        if (auto it = s.find("$ref"); it != s.end()) check(resolve(it->get<std::string>()), inst, ptr, errors);
        if (auto it = s.find("type"); it != s.end()) {
            bool ok = false;
            if (it->is_array()) {
                for (const auto& t : *it) ok = ok || has_type(inst, t.get<std::string>());
            } else {
                ok = has_type(inst, it->get<std::string>());
            }
            if (!ok) {
                fail("expected type " + it->dump() + ", found " + inst.dump());
                return;  // the other keywords would only repeat this
            }
        }
        if (auto it = s.find("enum"); it != s.end()) {
            bool ok = false;
            for (const auto& v : *it) ok = ok || v == inst;
            if (!ok) fail("not one of " + it->dump());
        }
        if (auto it = s.find("const"); it != s.end() && *it != inst) fail("expected " + it->dump());
        if (inst.is_number()) {
            const double v = inst.get<double>();
            if (auto it = s.find("minimum"); it != s.end() && v < it->get<double>()) fail("below minimum " + it->dump());
            if (auto it = s.find("maximum"); it != s.end() && v > it->get<double>()) fail("above maximum " + it->dump());
            if (auto it = s.find("exclusiveMinimum"); it != s.end() && v <= it->get<double>())
                fail("not above " + it->dump());
            if (auto it = s.find("exclusiveMaximum"); it != s.end() && v >= it->get<double>())
                fail("not below " + it->dump());
        }
        if (inst.is_string()) {
            const auto& str = inst.get_ref<const std::string&>();
            if (auto it = s.find("minLength"); it != s.end() && code_points(str) < it->get<std::size_t>())
                fail("shorter than " + it->dump());
            if (auto it = s.find("pattern"); it != s.end() && !std::regex_search(str, regex_for(it->get<std::string>())))
                fail("does not match " + it->dump());
        }
        if (inst.is_object()) {
            const json* props = s.contains("properties") ? &s.at("properties") : nullptr;
            if (auto it = s.find("required"); it != s.end())
                for (const auto& k : *it)
                    if (!inst.contains(k.get<std::string>())) fail("missing required " + k.dump());
            for (const auto& [k, v] : inst.items()) {
                const std::string p = ptr + "/" + token(k);
                if (props && props->contains(k)) {
                    check(props->at(k), v, p, errors);
                } else if (auto ap = s.find("additionalProperties"); ap != s.end()) {
                    if (ap->is_boolean() && !ap->get<bool>()) errors.push_back({p, "additional property not allowed"});
                    else check(*ap, v, p, errors);
                }
            }
        }
        if (inst.is_array()) {
            if (auto it = s.find("minItems"); it != s.end() && inst.size() < it->get<std::size_t>())
                fail("fewer than " + it->dump() + " items");
            if (auto it = s.find("items"); it != s.end())
                for (std::size_t i = 0; i < inst.size(); ++i) check(*it, inst[i], ptr + "/" + std::to_string(i), errors);
        }
        if (auto it = s.find("anyOf"); it != s.end()) {
            bool ok = false;
            for (const auto& alt : *it) {
                std::vector<schema_error> sub;
                check(alt, inst, ptr, sub);
                ok = ok || sub.empty();
            }
            if (!ok) fail("matches none of the anyOf alternatives");
        }
        if (auto it = s.find("oneOf"); it != s.end()) {
            std::size_t matches = 0;
            for (const auto& alt : *it) {
                std::vector<schema_error> sub;
                check(alt, inst, ptr, sub);
                if (sub.empty()) ++matches;
            }
            if (matches != 1)
                fail(matches == 0 ? "matches none of the oneOf alternatives"
                                  : "matches " + std::to_string(matches) + " oneOf alternatives, not exactly one");
        }
    }

    json root_;
    mutable std::map<std::string, std::unique_ptr<std::regex>> regexes_;
};

/// A file's whole text (a test's own fixtures: no size limit needed).
inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

#ifdef SURGE_SOURCE_DIR
/// sim/scenario.schema.json of the source tree, parsed once per test program.
inline const schema_validator& scenario_schema() {
    static const schema_validator v(
        nlohmann::json::parse(read_text(std::filesystem::path(SURGE_SOURCE_DIR) / "sim" / "scenario.schema.json")));
    return v;
}
#endif

} // namespace surge::test
