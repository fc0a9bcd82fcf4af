// tests/fuzz/fuzz_split.hpp — how the fuzz targets cut one libFuzzer input into the pieces their
// entry point takes (a scenario and its --set lines; an old and a new report), so that every piece
// is reachable by mutation and the seed files stay readable text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace surge::fuzz {

/// The separator line between the parts of an input ("\n%%\n"; also in the dictionaries).
inline constexpr std::string_view separator = "\n%%\n";

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// The text before the first separator, and the rest (empty when there is none).
inline std::pair<std::string_view, std::string_view> split_once(std::string_view in) {
    const auto at = in.find(separator);
    if (at == std::string_view::npos) return {in, {}};
    return {in.substr(0, at), in.substr(at + separator.size())};
}

/// The lines of `in` ('\n'-separated; a last line without '\n' counts; empty lines are kept, as
/// `--set ""` would be given).
inline std::vector<std::string> lines(std::string_view in) {
    std::vector<std::string> out;
    while (!in.empty()) {
        const auto nl = in.find('\n');
        out.emplace_back(in.substr(0, nl));
        if (nl == std::string_view::npos) break;
        in.remove_prefix(nl + 1);
    }
    return out;
}

} // namespace surge::fuzz
