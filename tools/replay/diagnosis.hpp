// tools/replay/diagnosis.hpp — what to tell the user when a live run's publishes succeed but no
// notification arrives (issue 14): the server said yes to every publish and the clients heard
// nothing, which a summary of zeros does not explain. From what the clients did receive (events of
// another name, ids the run never published, notifications for other users, or nothing at all) it
// names the likely cause and the protocol key or option that fixes it. Pure: no sockets.
#pragma once

#include "replay_result.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace surge::replay {

/// The paragraph for a run in which notifications were accepted and none was delivered; none
/// otherwise (nothing was accepted, something arrived, or no client was connected to hear it).
inline std::optional<std::string> nothing_arrived(const replay_result& r) {
    using models::metric_id;
    const auto get = [&](metric_id id) { return r.run.metrics.get(id).value_or(0.0); };
    const auto accepted = static_cast<std::uint64_t>(get(metric_id::notifications_accepted));
    const auto delivered = static_cast<std::uint64_t>(get(metric_id::delivery_delivered) + get(metric_id::offline_queue_delivered));
    if (accepted == 0 || delivered > 0 || get(metric_id::connections_succeeded) == 0) return std::nullopt;
    const live_figures& l = r.live;
    const protocol_config& p = l.protocol;
    std::string s = "nothing arrived: the server accepted " + std::to_string(accepted) +
                    " notifications but none reached a client. ";
    if (l.received_unknown_id > 0) {
        s += std::to_string(l.received_unknown_id) + " \"" + p.notification_event +
             "\" events arrived with an id this run did not publish (or none): the server replaces the id or leaves it "
             "out, or keeps it under another name (protocol.notification.id is \"" + p.id_field + "\").";
    } else if (l.received_wrong_recipient > 0) {
        s += std::to_string(l.received_wrong_recipient) +
             " notifications arrived at other users than the ones they were published to: the server maps a "
             "publish's recipient to connections differently (the publish body's user field, or the user the "
             "connection identifies as: protocol.auth, protocol.query, --user-prefix).";
    } else if (l.other_events > 0) {
        s += std::to_string(l.other_events) + " events of another name arrived (most of them \"" + l.other_event_name +
             "\"), none named \"" + p.notification_event + "\": set protocol.notification.event to the server's name for it.";
    } else {
        s += "No event of any kind reached the clients after they connected: the server did not emit to these users. "
             "Likely it did not understand the publish request (its path, or the body's recipient field) although it "
             "answered 2xx, or it knows the users by another id than the one each connection gives (protocol.auth, "
             "protocol.query, --user-prefix).";
    }
    return s;
}

} // namespace surge::replay
