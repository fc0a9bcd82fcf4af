// sim/terminal_style.hpp — whether surge's output may use colour and the marks ✓ / ✗, decided in
// one place (terminal_style::detect: stdout is a terminal and NO_COLOR is absent or empty, as
// https://no-color.org asks), and passed into every formatter (the run summary, suite lines, the
// diff). Tests force either mode without a terminal. In plain mode (a pipe, a file, CI logs,
// NO_COLOR) the output is the ASCII text the tests and scripts match: "PASS", "FAIL".
//
// A styled block is made safe for the terminal by terminal_style::lines(): as terminal_lines()
// (sim/terminal_text.hpp), except that the few SGR colour sequences this header emits are kept.
// Input text inside a block is escaped by its formatter first (terminal_text), so an ESC that
// reaches lines() is one of ours; any other is escaped.
#pragma once

#include "sim/terminal_text.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace surge::sim {

struct terminal_style {
    bool color = false;     // ANSI colour (SGR) and the marks ✓ / ✗

    /// Plain text: what a pipe, a file or a test gets.
    static terminal_style plain() { return {}; }
    /// Colour and marks, whatever the output is (tests).
    static terminal_style styled() { return {true}; }

    /// The style for file descriptor `fd`: colour when it is a terminal and `no_color` (the value
    /// of NO_COLOR, nullptr when unset) is absent or empty.
    static terminal_style detect(int fd, const char* no_color) {
        const bool off = no_color != nullptr && no_color[0] != '\0';
        return {!off && ::isatty(fd) == 1};
    }
    /// detect() for stdout and this process's environment.
    static terminal_style for_stdout() { return detect(STDOUT_FILENO, std::getenv("NO_COLOR")); }

    static constexpr std::string_view green = "\033[32m";
    static constexpr std::string_view red = "\033[31m";
    static constexpr std::string_view yellow = "\033[33m";
    static constexpr std::string_view bold = "\033[1m";
    static constexpr std::string_view reset = "\033[0m";

    /// `text` in `sgr` when styled, as it is when plain.
    [[nodiscard]] std::string paint(std::string_view sgr, std::string_view text) const {
        if (!color) return std::string(text);
        std::string out(sgr);
        out += text;
        out += reset;
        return out;
    }

    /// "PASS" / "FAIL"; styled: a green "✓ PASS" / a red "✗ FAIL".
    [[nodiscard]] std::string verdict(bool pass) const {
        if (!color) return pass ? "PASS" : "FAIL";
        return pass ? paint(green, "\u2713 PASS") : paint(red, "\u2717 FAIL");
    }
    /// A threshold the run's mode cannot measure: neither passed nor failed.
    [[nodiscard]] std::string not_measured() const { return color ? paint(yellow, "- SKIP") : "SKIP"; }
    /// The columns verdict() and not_measured() take.
    [[nodiscard]] std::size_t verdict_width() const { return color ? 6 : 4; }

    /// `word` ("PASS", "FAIL", "STOP", "REGRESSED" ...) in the colour of `good` (green), bad (red)
    /// or neither (yellow), with its mark when styled; plain: the word.
    [[nodiscard]] std::string word(std::string_view w, int good) const {
        if (!color) return std::string(w);
        if (good > 0) return paint(green, "\u2713 " + std::string(w));
        if (good < 0) return paint(red, "\u2717 " + std::string(w));
        return paint(yellow, "- " + std::string(w));
    }
    /// The columns word() takes for a word of `n` columns.
    [[nodiscard]] std::size_t word_width(std::size_t n) const { return color ? n + 2 : n; }

    /// A block of output laid out in lines, made safe for the terminal: terminal_lines(), keeping
    /// this header's own colour sequences when styled.
    [[nodiscard]] std::string lines(std::string_view s) const {
        if (!color) return terminal_lines(s);
        static constexpr std::array<std::string_view, 5> ours{green, red, yellow, bold, reset};
        std::string out;
        std::size_t start = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '\033') continue;
            for (const auto seq : ours)
                if (s.substr(i).starts_with(seq)) {
                    out += terminal_lines(s.substr(start, i - start));
                    out += seq;
                    start = i + seq.size();
                    i = start - 1;
                    break;
                }
        }
        out += terminal_lines(s.substr(start));
        return out;
    }
};

} // namespace surge::sim
