// sim/load/object_view.hpp — a JSON object being read: its keys are checked against the allowed
// ones before any value is looked at (an unknown key is an error with "did you mean"), and its
// members are read with their JSON pointers into fields that keep their defaults when absent (or
// when the value is bad and errors are being collected: each key is one context::attempt).
#pragma once

#include <sim/load/json_text.hpp>
#include <sim/load/json_values.hpp>
#include <sim/load/unit_values.hpp>

#include <models/distribution.hpp>
#include <models/enum_names.hpp>

#include <surge/time.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surge::sim::load_detail {

using json = nlohmann::json;

/// A JSON object being read: its keys are checked against `allowed` on construction; members are
/// handed out with their pointers.
class object_view {
public:
    object_view(const context& c, const json& j, std::string ptr, std::vector<std::string> allowed,
                const std::string& what = "an object")
        : c_(c), j_(j), ptr_(std::move(ptr)), allowed_(std::move(allowed)) {
        if (!j_.is_object()) c_.expected(ptr_, what, j_);
        for (const auto& item : j_.items())
            if (std::find(allowed_.begin(), allowed_.end(), item.key()) == allowed_.end())
                c_.attempt([&] { c_.fail(at(item.key()), unknown_key_message(item.key(), allowed_)); });
    }

    [[nodiscard]] bool has(std::string_view key) const { return j_.contains(key); }
    [[nodiscard]] const json& operator[](std::string_view key) const { return j_.find(key).value(); }
    [[nodiscard]] std::string at(std::string_view key) const { return ptr_ + "/" + pointer_token(key); }
    [[nodiscard]] const std::string& pointer() const noexcept { return ptr_; }
    [[nodiscard]] const json& value() const noexcept { return j_; }
    [[nodiscard]] const context& ctx() const noexcept { return c_; }

    [[noreturn]] void missing(std::string_view key, const std::string& hint = {}) const {
        c_.fail(at(key), "required key is missing" + (hint.empty() ? std::string() : "; " + hint));
    }
    void require(std::string_view key, const std::string& hint = {}) const {
        if (!has(key)) missing(key, hint);
    }

    /// Reads one key's value with `read` (context::attempt): when errors are collected, a bad
    /// value is recorded and the key keeps its default.
    template <class Read>
    void attempt(Read&& read) const {
        c_.attempt(std::forward<Read>(read));
    }

    /// A nested object with its own allowed keys.
    [[nodiscard]] object_view object(std::string_view key, std::vector<std::string> allowed) const {
        return object_view(c_, (*this)[key], at(key), std::move(allowed));
    }

    // Setters that leave `out` (the default) alone when the key is absent.
    void get(std::string_view key, std::int64_t& out, std::int64_t lo, std::optional<std::int64_t> hi = std::nullopt) const {
        if (has(key)) attempt([&] { out = read_int(c_, (*this)[key], at(key), lo, hi); });
    }
    void get(std::string_view key, double& out, const number_range& range) const {
        if (has(key)) attempt([&] { out = read_number(c_, (*this)[key], at(key), range); });
    }
    void get(std::string_view key, bool& out) const {
        if (has(key)) attempt([&] { out = read_bool(c_, (*this)[key], at(key)); });
    }
    void get(std::string_view key, duration& out, duration_rule rule = duration_rule::non_negative) const {
        if (has(key)) attempt([&] { out = read_duration(c_, (*this)[key], at(key), rule); });
    }
    /// An optional duration: absent keeps the default, null clears it.
    void get(std::string_view key, std::optional<duration>& out, duration_rule rule = duration_rule::non_negative) const {
        if (!has(key)) return;
        if ((*this)[key].is_null()) out.reset();
        else attempt([&] { out = read_duration(c_, (*this)[key], at(key), rule); });
    }
    void get(std::string_view key, models::rate& out, bool positive) const {
        if (has(key)) attempt([&] { out = read_rate(c_, (*this)[key], at(key), positive); });
    }
    void get_size(std::string_view key, std::int64_t& out) const {
        if (has(key)) attempt([&] { out = read_size(c_, (*this)[key], at(key)); });
    }
    template <models::named_enum Enum>
    void get_enum(std::string_view key, Enum& out) const {
        if (has(key)) attempt([&] { out = read_enum<Enum>(c_, (*this)[key], at(key)); });
    }

private:
    const context& c_;
    const json& j_;
    std::string ptr_;
    std::vector<std::string> allowed_;
};

} // namespace surge::sim::load_detail
