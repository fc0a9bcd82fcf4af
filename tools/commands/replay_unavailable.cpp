// `surge replay` in a surge built without the live replay (cmake -DSURGE_WITH_REPLAY=OFF: no
// Boost.Beast, no OpenSSL, for users who want only the simulation and the CI gate). The command
// stays listed so that `surge replay ...` explains itself instead of "unknown subcommand"; whatever
// its arguments, it exits 2 (a run that cannot start).
#include "command.hpp"

namespace surge::cli {

action define_replay(CLI::App& cmd) {
    cmd.description("Not available: this surge was built without the live replay (SURGE_WITH_REPLAY=OFF)");
    cmd.allow_extras();
    return []() -> int {
        complain("replay: this surge was built without the live replay (SURGE_WITH_REPLAY=OFF); reconfigure with "
                 "cmake -DSURGE_WITH_REPLAY=ON (needs Boost.Beast and OpenSSL) to use surge replay");
        return exit_bad_input;
    };
}

} // namespace surge::cli
