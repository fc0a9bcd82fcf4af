// tools/replay/replay.hpp — runs a scenario for real: its users open WebSockets to the target,
// its load phases publish notifications at their (time-scaled) rates, its disconnect storms close
// real sockets, and every delivery is timed from the notification's *intended* send time.
//
// What users and the load generator do is the simulation's own behaviour code (models/
// load_schedule.hpp, recipients.hpp, user_behaviour.hpp) on the same streams, driven here by the
// wall clock and real sockets. The pieces, by concern:
//   shard.hpp              a thread with its share of the users, and what they need from the run
//   user_plan.hpp          a user's decisions (no sockets), user_client.hpp its sockets and timers
//   publish_generator.hpp  what to publish and when (no sockets)
//   http_publisher.hpp, ws_publisher.hpp   the two ways to publish
//   replay_run.hpp         orchestration: the life cycle; replay_start.hpp the checks before it,
//                          replay_load.hpp the load, replay_collect.hpp the result
#pragma once

#include "replay_collect.hpp"
#include "replay_load.hpp"
#include "replay_run.hpp"
#include "replay_start.hpp"

#include <utility>

namespace surge::replay {

/// Runs `sc` live against opt.target. Throws start_error if it cannot start.
inline replay_result run_live(const models::scenario& sc, replay_options opt) {
    replay_run r(sc, std::move(opt));
    return r.run();
}

} // namespace surge::replay
