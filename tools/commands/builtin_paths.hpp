// tools/commands/builtin_paths.hpp — where the built-in scenarios (sim/scenarios) and the golden
// files (tests/golden) are, for `surge suite` and `surge golden`: the source tree while it exists
// (SURGE_SOURCE_DIR, set by tools/CMakeLists.txt), else the working directory, else the installed
// share/surge/scenarios.
#pragma once

#include "command.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace surge::cli {

namespace fs = std::filesystem;

#ifndef SURGE_SOURCE_DIR
#define SURGE_SOURCE_DIR ""
#endif
#ifndef SURGE_INSTALL_SCENARIOS_DIR
#define SURGE_INSTALL_SCENARIOS_DIR ""
#endif

inline bool is_dir(const fs::path& p) {
    std::error_code ec;
    return !p.empty() && fs::is_directory(p, ec);
}

/// The built-in scenarios: the source tree's sim/scenarios (SURGE_SOURCE_DIR), else
/// ./sim/scenarios, else the installed share/surge/scenarios (next to the program's bin/
/// directory, then the configured install prefix).
inline fs::path default_scenarios_dir() {
    std::vector<fs::path> candidates;
    if (std::string_view(SURGE_SOURCE_DIR).size() > 0) candidates.emplace_back(fs::path(SURGE_SOURCE_DIR) / "sim" / "scenarios");
    candidates.emplace_back(fs::path("sim") / "scenarios");
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share" / "surge" / "scenarios");
    if (std::string_view(SURGE_INSTALL_SCENARIOS_DIR).size() > 0) candidates.emplace_back(SURGE_INSTALL_SCENARIOS_DIR);
    for (const auto& c : candidates)
        if (is_dir(c)) return c;
    std::string tried;
    for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c.string();
    throw usage_error("cannot find the built-in scenarios (tried " + tried + "); give the directory with --dir");
}

/// The golden files: the source tree's tests/golden (while the source tree exists), else
/// ./tests/golden.
inline fs::path default_golden_dir() {
    if (std::string_view(SURGE_SOURCE_DIR).size() > 0 && is_dir(fs::path(SURGE_SOURCE_DIR) / "tests"))
        return fs::path(SURGE_SOURCE_DIR) / "tests" / "golden";
    return fs::path("tests") / "golden";
}

} // namespace surge::cli
