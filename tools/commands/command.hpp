// tools/commands/command.hpp — the conventions every `surge` subcommand shares: how a subcommand is
// declared (its options on a CLI11 subcommand, then an action to run), exit codes, messages on
// stderr prefixed "surge: ", and the parsers of the options that several commands take (--seed,
// durations, output files), so that `surge run` and `surge replay` read the same text the same way,
// and the quoting of words in the commands a message tells the user to paste (shell_word).
//
// Included by tools/surge.cpp and by the translation units of commands that live apart from it
// (tools/replay/replay_command.cpp: the live replay, on Beast and OpenSSL).
#pragma once

#include <sim/terminal_text.hpp>

#include <surge/time.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace surge::cli {

constexpr int exit_ok = 0;
constexpr int exit_bad_input = 2;
// An interrupted run (SIGINT, SIGTERM) exits 128 + the signal: sim::interrupted_exit_code().

/// What a subcommand does once the command line is parsed; returns the exit code.
using action = std::function<int()>;

/// Declares a subcommand's options on `cmd` and returns what to run once the command line is parsed.
using definition = std::function<action(CLI::App& cmd)>;

/// A message for the user on stderr, prefixed "surge: ", on one line: whatever it quotes from input
/// is escaped for the terminal (sim/terminal_text.hpp).
inline void complain(const std::string& message) { std::cerr << "surge: " << sim::terminal_text(message) << '\n'; }

/// `word` as one word of a POSIX shell command that a user can paste: itself if it holds only
/// characters no shell treats specially, else in single quotes (a quote inside as '\'').
inline std::string shell_word(std::string_view word) {
    const auto plain = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               std::string_view("_-./:=@%+,").find(ch) != std::string_view::npos;
    };
    if (!word.empty() && std::all_of(word.begin(), word.end(), plain)) return std::string(word);
    std::string out = "'";
    for (const char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

/// "1 phase", "3 phases".
inline std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

/// A file's name without its directory: how a page or a table names a report or scenario file.
inline std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

/// Bad input found by the command line itself (the loader throws sim::input_error): exit 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// "5%", "5" (both five per cent) or "0.5%": a finite, non-negative percentage, as a fraction.
inline double parse_percent(const std::string& text, const std::string& what) {
    std::string t = text;
    if (!t.empty() && t.back() == '%') t.pop_back();
    double v = 0;
    const char* end = t.data() + t.size();
    const auto res = std::from_chars(t.data(), end, v);
    if (t.empty() || res.ec != std::errc{} || res.ptr != end || !std::isfinite(v) || v < 0)
        throw usage_error(what + ": expected a percentage, e.g. 5% or 0.5%");
    return v / 100;
}

/// A repeatable option that takes one value per occurrence ("--set A=1 --set B=2"): one value each
/// time, so that a positional argument after it stays positional, and every occurrence kept.
inline CLI::Option* add_repeatable(CLI::App& cmd, const std::string& name, std::vector<std::string>& values, const std::string& help,
                                   const std::string& type_name) {
    return cmd.add_option(name, values, help)->type_name(type_name)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

/// "--seed 7": a non-negative decimal integer that fits 64 bits, nothing else ("-1" is not
/// 2^64 - 1).
inline std::uint64_t parse_seed(const std::string& text) {
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto res = std::from_chars(text.data(), end, v);
    if (text.empty() || res.ec != std::errc{} || res.ptr != end)
        throw usage_error("--seed " + text + ": expected a non-negative integer below 2^64, e.g. --seed 7");
    return v;
}

/// A duration option ("--grace 1h"): the scenarios' grammar, surge::parse_duration (a non-negative
/// number and a unit: ns, us, ms, s, m, h).
inline surge::duration parse_duration_option(const std::string& option, const std::string& text) {
    try {
        return surge::parse_duration(text);
    } catch (const surge::parse_error& e) {
        throw usage_error(option + " " + text + ": " + e.what());
    }
}

/// An option whose name carries its unit ("--batch-us 200"): a bare non-negative integer counts in
/// that unit, anything else is a duration as above ("--batch-us 0.5ms").
inline surge::duration parse_duration_option(const std::string& option, const std::string& text, surge::duration unit) {
    std::uint64_t v = 0;
    const char* end = text.data() + text.size();
    const auto res = std::from_chars(text.data(), end, v);
    if (!text.empty() && res.ec == std::errc{} && res.ptr == end) {
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / unit.count()))
            throw usage_error(option + " " + text + ": too large");
        return unit * static_cast<std::int64_t>(v);
    }
    return parse_duration_option(option, text);
}

/// `surge replay`: defined in tools/replay/replay_command.cpp when surge is built with the live
/// replay (SURGE_WITH_REPLAY, the default), else in tools/commands/replay_unavailable.cpp.
action define_replay(CLI::App& cmd);

} // namespace surge::cli
