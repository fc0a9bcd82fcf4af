// models/enum_names.hpp — explicit enumerator <-> name tables, the way a scenario file spells an
// enum. Each enum that a scenario names has, right beside its declaration, a function found by
// argument-dependent lookup that returns its table:
//
//     enum class offline_drop_policy : std::uint8_t { oldest, newest };
//     constexpr auto enum_names(offline_drop_policy) noexcept {
//         return std::to_array<enum_name<offline_drop_policy>>({{offline_drop_policy::oldest, "oldest"}, ...});
//     }
//
// The table, not the order of the declaration, decides which string means which enumerator, so
// reordering or extending an enum cannot silently remap what scenarios say (nlohmann's
// NLOHMANN_JSON_SERIALIZE_ENUM follows the same idea). The table's order is the order in which
// messages list the names.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace surge::models {

/// One row of a table: an enumerator and the name scenarios use for it.
template <class Enum>
struct enum_name {
    Enum value;
    std::string_view name;
};

/// An enum with a table: `enum_names(Enum{})` is found by argument-dependent lookup.
template <class Enum>
concept named_enum = std::is_enum_v<Enum> && requires { enum_names(Enum{}); };

/// True if no enumerator and no name appears twice and no name is empty. Each table is checked
/// with a static_assert beside it.
template <class Enum, std::size_t N>
constexpr bool is_one_to_one(const std::array<enum_name<Enum>, N>& table) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        if (table[i].name.empty()) return false;
        for (std::size_t j = i + 1; j < N; ++j)
            if (table[i].value == table[j].value || table[i].name == table[j].name) return false;
    }
    return true;
}

/// The name of `e`; empty if the table has no row for it.
template <named_enum Enum>
constexpr std::string_view name_of(Enum e) noexcept {
    for (const auto& row : enum_names(Enum{}))
        if (row.value == e) return row.name;
    return {};
}

/// The enumerator called `name`, if the table has one.
template <named_enum Enum>
constexpr std::optional<Enum> enum_from_name(std::string_view name) noexcept {
    for (const auto& row : enum_names(Enum{}))
        if (row.name == name) return row.value;
    return std::nullopt;
}

/// Every name of the table, in the table's order (for messages and key lists).
template <named_enum Enum>
std::vector<std::string> names_of() {
    std::vector<std::string> out;
    for (const auto& row : enum_names(Enum{})) out.emplace_back(row.name);
    return out;
}

} // namespace surge::models
