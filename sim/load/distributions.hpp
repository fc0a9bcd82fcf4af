// sim/load/distributions.hpp — duration distributions (a constant, or an object whose keys name
// the form: {"mean"}, {"median", "p99"}, {"min", "max"}, {"mean", "stddev"}, or "dist" with
// pareto/weibull/gamma) and size distributions (a size or {"min", "max"}).
#pragma once

#include <sim/load/json_text.hpp>
#include <sim/load/json_values.hpp>
#include <sim/load/object_view.hpp>
#include <sim/load/unit_values.hpp>

#include <models/distribution.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

inline constexpr const char* dist_forms =
    "a duration distribution: a duration string (constant), {\"constant\": D}, {\"mean\": D} (exponential), "
    "{\"median\": D, \"p99\": D} (lognormal), {\"min\": D, \"max\": D} (uniform), {\"mean\": D, \"stddev\": D} "
    "(normal), {\"dist\": \"pareto\" or \"weibull\", \"scale\": D, \"shape\": x}, or "
    "{\"dist\": \"gamma\", \"mean\": D, \"shape\": x}";

struct dist_form {
    const char* name;                         // the "dist" value
    std::vector<std::string> keys;            // besides "dist"
};

inline const std::vector<dist_form>& dist_forms_list() {
    static const std::vector<dist_form> forms{
        {"constant", {"value"}},        {"exponential", {"mean"}},      {"lognormal", {"median", "p99"}},
        {"uniform", {"min", "max"}},    {"normal", {"mean", "stddev"}}, {"pareto", {"scale", "shape"}},
        {"weibull", {"scale", "shape"}}, {"gamma", {"mean", "shape"}},
    };
    return forms;
}

/// Builds the distribution of `kind` from its (present, typed) members, checking their relations.
inline models::duration_dist make_dist(const object_view& o, std::string_view kind) {
    const context& c = o.ctx();
    const auto dur = [&](const char* key, duration_rule rule = duration_rule::non_negative) {
        return read_duration(c, o[key], o.at(key), rule);
    };
    const auto shape = [&] { return read_number(c, o["shape"], o.at("shape"), positive_number); };
    try {
        if (kind == "constant") return models::duration_dist::fixed(dur(o.has("value") ? "value" : "constant"));
        if (kind == "exponential") return models::duration_dist::exponential_mean(dur("mean", duration_rule::positive));
        if (kind == "lognormal") {
            const duration median = dur("median", duration_rule::positive);
            const duration p99 = dur("p99");
            if (p99 <= median)
                c.expected(o.at("p99"), "a duration greater than the median (" + surge::to_string(median) + ")", o["p99"]);
            return models::duration_dist::lognormal_median_p99(median, p99);
        }
        if (kind == "uniform") {
            const duration lo = dur("min");
            const duration hi = dur("max");
            if (hi < lo) c.expected(o.at("max"), "a duration >= min (" + surge::to_string(lo) + ")", o["max"]);
            return models::duration_dist::uniform_between(lo, hi);
        }
        if (kind == "normal") return models::duration_dist::normal_mean_sd(dur("mean"), dur("stddev"));
        if (kind == "pareto") return models::duration_dist::pareto_scale_shape(dur("scale", duration_rule::positive), shape());
        if (kind == "weibull") return models::duration_dist::weibull_scale_shape(dur("scale", duration_rule::positive), shape());
        if (kind == "gamma") return models::duration_dist::gamma_mean_shape(dur("mean", duration_rule::positive), shape());
    } catch (const std::invalid_argument& e) {  // the factories' own checks; ours run first
        c.fail(o.pointer(), e.what());
    }
    c.fail(o.pointer(), "unknown distribution kind \"" + std::string(kind) + "\"");
}

inline models::duration_dist read_dist(const context& c, const json& j, const std::string& ptr) {
    if (j.is_string()) return models::duration_dist::fixed(read_duration(c, j, ptr));
    if (!j.is_object()) c.expected(ptr, dist_forms, j);

    if (j.contains("dist")) {
        std::vector<std::string> kinds;
        for (const auto& f : dist_forms_list()) kinds.emplace_back(f.name);
        const std::string dist_ptr = ptr + "/dist";
        const std::size_t k = read_choice(c, j["dist"], dist_ptr, kinds);
        const dist_form& form = dist_forms_list()[k];
        std::vector<std::string> allowed{"dist"};
        allowed.insert(allowed.end(), form.keys.begin(), form.keys.end());
        for (const auto& item : j.items()) {
            if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
            bool other_form = false;
            for (const auto& f : dist_forms_list())
                if (std::find(f.keys.begin(), f.keys.end(), item.key()) != f.keys.end()) other_form = true;
            if (other_form)
                c.fail(ptr + "/" + pointer_token(item.key()),
                       "'" + item.key() + "' does not belong to a " + form.name + " distribution (it takes " +
                           join(form.keys) + ")");
        }
        const object_view o(c, j, ptr, allowed);
        for (const auto& key : form.keys)
            o.require(key, "a " + std::string(form.name) + " distribution needs " + join(form.keys, " and "));
        return make_dist(o, form.name);
    }

    // Without "dist", the set of keys names the form.
    const std::vector<std::string> all{"constant", "mean", "median", "p99", "min", "max", "stddev", "dist", "scale", "shape"};
    const object_view o(c, j, ptr, all, dist_forms);
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    const auto is = [&](std::vector<std::string> want) {
        std::sort(want.begin(), want.end());
        return keys == want;
    };
    if (is({"constant"})) return make_dist(o, "constant");
    if (is({"mean"})) return make_dist(o, "exponential");
    if (is({"median", "p99"})) return make_dist(o, "lognormal");
    if (is({"min", "max"})) return make_dist(o, "uniform");
    if (is({"mean", "stddev"})) return make_dist(o, "normal");
    std::string hint;
    if (o.has("scale") || o.has("shape"))
        hint = "a distribution with \"scale\" or \"shape\" needs \"dist\": \"pareto\", \"weibull\" or \"gamma\"";
    else if (o.has("median") != o.has("p99"))
        hint = "a lognormal needs both \"median\" and \"p99\"";
    else if (o.has("min") != o.has("max"))
        hint = "a uniform distribution needs both \"min\" and \"max\"";
    else if (o.has("stddev") && !o.has("mean"))
        hint = "a normal distribution needs \"mean\" and \"stddev\"";
    else if (keys.empty())
        hint = "the object is empty";
    else
        hint = "the keys " + join_quoted(keys) + " do not form one distribution";
    c.fail(ptr, hint + "; expected " + dist_forms);
}

inline void get_dist(const object_view& o, std::string_view key, models::duration_dist& out) {
    if (o.has(key)) o.attempt([&] { out = read_dist(o.ctx(), o[key], o.at(key)); });
}
inline void get_dist(const object_view& o, std::string_view key, std::optional<models::duration_dist>& out) {
    if (!o.has(key)) return;
    if (o[key].is_null()) out.reset();
    else o.attempt([&] { out = read_dist(o.ctx(), o[key], o.at(key)); });
}

/// A size, or {"min": S, "max": S} (uniform in bytes).
inline models::size_dist read_size_dist(const context& c, const json& j, const std::string& ptr) {
    if (j.is_string()) return models::size_dist::fixed(read_size(c, j, ptr));
    if (!j.is_object())
        c.expected(ptr, "a size string like \"512B\" or a range {\"min\": \"100B\", \"max\": \"2KB\"}", j);
    const object_view o(c, j, ptr, {"min", "max"});
    o.require("min", "a size range needs \"min\" and \"max\"");
    o.require("max", "a size range needs \"min\" and \"max\"");
    models::size_dist d;
    d.min_bytes = read_size(c, o["min"], o.at("min"));
    d.max_bytes = read_size(c, o["max"], o.at("max"));
    if (d.max_bytes < d.min_bytes) c.expected(o.at("max"), "a size >= min (" + std::to_string(d.min_bytes) + " B)", o["max"]);
    return d;
}

inline void get_size_dist(const object_view& o, std::string_view key, models::size_dist& out) {
    if (o.has(key)) o.attempt([&] { out = read_size_dist(o.ctx(), o[key], o.at(key)); });
}

} // namespace surge::sim::load_detail
