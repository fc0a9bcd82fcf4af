// models/recipients.hpp — who a notification is for, written once for both clocks: the
// simulation's server (models/fan_out.hpp) and the live replay's publish generator call
// the same function with a stream seeded by the request's target_seed, so for one seed they
// address the same users. A broadcast has no drawn recipients: it goes to whoever is connected.
#pragma once

#include "models/params.hpp"

#include <surge/random.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace surge::models {

/// Replaces `out` with the recipients of one notification among `users` users: target user, one
/// random user; target users, min(recipients, users) distinct random users in draw order;
/// broadcast (or no users), none. `targets` is the request's rng(target_seed), shared by the
/// notifications of one batch.
inline void choose_recipients(target_kind target, std::uint32_t recipients, std::uint32_t users, rng& targets,
                              std::vector<std::uint32_t>& out) {
    out.clear();
    if (target == target_kind::broadcast || users == 0) return;
    const std::uint32_t want = target == target_kind::user ? 1u : std::min(recipients, users);
    while (out.size() < want) {
        const auto u = static_cast<std::uint32_t>(targets.below(users));
        if (std::find(out.begin(), out.end(), u) == out.end()) out.push_back(u);
    }
}

} // namespace surge::models
