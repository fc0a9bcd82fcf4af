// tools/replay/delivery_ledger.hpp — which notifications a live run published, to whom, and who
// got them, so that a notification counts as delivered only if it carries the id of one the run
// published, reaches a user it targeted, and arrives there for the first time (issue 12, item 9).
// Everything else is counted apart: an unknown id, a duplicate, a wrong recipient. A server that
// sends stray or repeated ids can no longer deliver more than was attempted.
//
// Memory is bounded: the ledger remembers the last `window` ids (ids are sequential from 1, so a
// ring indexed by id), one 24-byte slot each (with the id's intended send time, so that delivery
// latency is measured from the replay's own record, not from a timestamp the server echoes), allocated and touched up front for the ids the run
// expects (the scenario's estimate, at most `window`) so that the replay's resident set does not
// creep while it runs (the soak benchmark's < 1 % growth); past the estimate the ring grows up to
// `window`. Plus the recipients of the ids of a users target and,
// for the most recent broadcasts (at most `broadcast_budget` bytes), one bit per user. An id older
// than the window, or a broadcast no longer remembered, counts as unknown: the ledger cannot tell
// whether it was delivered before. Each broadcast's time from its intended publish to its last
// delivery is the live run's broadcast.time. Pure C++ with a mutex, no sockets: the control thread
// publishes, the shards' threads receive.
#pragma once

#include <surge/stats.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace surge::replay {

/// What one received notification was.
enum class receipt : std::uint8_t {
    delivered,        // a published id, to a user it targeted, the first time
    unknown_id,       // no id, an id never published, or one older than the ledger remembers
    duplicate,        // this user already got this id
    wrong_recipient,  // the id was published, but not to this user
};

class delivery_ledger {
public:
    static constexpr std::size_t default_window = std::size_t{1} << 21;               // ids remembered
    static constexpr std::size_t default_broadcast_budget = std::size_t{16} << 20;    // bytes of broadcast bits

    /// `expected_ids`: how many ids the run will publish, roughly; that many slots (at most
    /// `window`) are allocated now.
    explicit delivery_ledger(std::uint32_t users, std::size_t window = default_window,
                             std::size_t broadcast_budget = default_broadcast_budget, std::size_t expected_ids = 0)
        : users_(users), window_(std::max<std::size_t>(window, 1)),
          words_per_broadcast_((static_cast<std::size_t>(users) + 63) / 64),
          max_broadcasts_(std::max<std::size_t>(1, broadcast_budget / std::max<std::size_t>(1, words_per_broadcast_ * 8))) {
        ring_.resize(std::min(expected_ids, window_));  // value-initialised: the pages are touched now
    }

    /// Records the publish of a notification to `recipients` (one or more users) intended at steady
    /// time `intended_ns`; returns its id. Ids are handed out here, sequential from 1, so that the
    /// ring stays dense.
    std::int64_t publish(std::span<const std::uint32_t> recipients, std::int64_t intended_ns = 0) {
        std::lock_guard lock(mutex_);
        const auto id = next_++;
        slot& s = claim(id);
        s.intended_ns = intended_ns;
        if (recipients.size() == 1) {
            s.what = kind::one;
            s.user = recipients[0];
        } else {
            s.what = kind::several;
            auto& list = several_[id];
            list.reserve(recipients.size());
            for (const auto u : recipients) list.emplace_back(u, false);
        }
        return id;
    }

    /// Records the publish of a broadcast (every user is a recipient) intended at steady time
    /// `intended_ns`; returns its id.
    std::int64_t publish_broadcast(std::int64_t intended_ns = 0) {
        std::lock_guard lock(mutex_);
        const auto id = next_++;
        slot& s = claim(id);
        s.what = kind::broadcast;
        s.intended_ns = intended_ns;
        broadcast_order_.push_back(id);
        auto& b = broadcasts_[id];
        b.bits.assign(words_per_broadcast_, 0);
        b.published_ns = intended_ns;
        while (broadcast_order_.size() > max_broadcasts_) {
            forget_broadcast(broadcast_order_.front());
            broadcast_order_.pop_front();
        }
        return id;
    }

    /// Each broadcast's time from its intended publish to its last delivery so far (the
    /// simulation's broadcast.time), in nanoseconds: those forgotten already and those remembered
    /// now. A broadcast nobody received has none.
    [[nodiscard]] histogram broadcast_times() const {
        std::lock_guard lock(mutex_);
        histogram h = forgotten_times_;
        for (const auto& [id, b] : broadcasts_)
            if (b.last_ns >= 0) h.record(std::max<std::int64_t>(0, b.last_ns - b.published_ns));
        return h;
    }

    /// The broadcasts remembered now: id -> (intended publish, last delivery or -1), steady ns.
    /// Ranks of a run across processes merge them by the latest delivery (rank_merge.hpp).
    [[nodiscard]] std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> broadcast_spans() const {
        std::lock_guard lock(mutex_);
        std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> out;
        for (const auto& [id, b] : broadcasts_) out[id] = {b.published_ns, b.last_ns};
        return out;
    }

    /// Classifies a notification `user` received with `id` (none: it had no usable id) at steady
    /// time `at_ns`, and remembers a delivery. For a delivery, `*intended_ns` (when given) is the
    /// intended send time recorded at its publish: the start of its latency.
    receipt receive(std::optional<std::int64_t> id, std::uint32_t user, std::int64_t at_ns = 0, std::int64_t* intended_ns = nullptr) {
        if (!id || *id < 1) return receipt::unknown_id;
        std::lock_guard lock(mutex_);
        if (*id >= next_ || next_ - *id > static_cast<std::int64_t>(window_)) return receipt::unknown_id;
        slot& s = ring_[index(*id)];
        if (intended_ns != nullptr) *intended_ns = s.intended_ns;
        switch (s.what) {
        case kind::one:
            if (s.user != user) return receipt::wrong_recipient;
            if (s.got) return receipt::duplicate;
            s.got = true;
            return receipt::delivered;
        case kind::several: {
            auto& list = several_[*id];
            const auto it = std::find_if(list.begin(), list.end(), [&](const auto& r) { return r.first == user; });
            if (it == list.end()) return receipt::wrong_recipient;
            if (it->second) return receipt::duplicate;
            it->second = true;
            return receipt::delivered;
        }
        case kind::broadcast: {
            const auto b = broadcasts_.find(*id);
            if (b == broadcasts_.end()) return receipt::unknown_id;  // no longer remembered
            if (user >= users_) return receipt::wrong_recipient;
            auto& word = b->second.bits[user / 64];
            const auto bit = std::uint64_t{1} << (user % 64);
            if (word & bit) return receipt::duplicate;
            word |= bit;
            b->second.last_ns = std::max(b->second.last_ns, at_ns);
            return receipt::delivered;
        }
        case kind::none: break;
        }
        return receipt::unknown_id;
    }

    /// Slots allocated (for tests of the memory bound).
    [[nodiscard]] std::size_t slots() const {
        std::lock_guard lock(mutex_);
        return ring_.size();
    }
    [[nodiscard]] std::size_t broadcasts_remembered() const {
        std::lock_guard lock(mutex_);
        return broadcasts_.size();
    }
    [[nodiscard]] std::size_t several_remembered() const {
        std::lock_guard lock(mutex_);
        return several_.size();
    }

private:
    enum class kind : std::uint8_t { none, one, several, broadcast };
    struct slot {
        std::int64_t id = 0;
        std::int64_t intended_ns = 0;  // intended send time (steady): latency is measured from here
        std::uint32_t user = 0;
        kind what = kind::none;
        bool got = false;
    };

public:
    /// Bytes per remembered id (--track-ids; docs/replay.md).
    static constexpr std::size_t slot_bytes = 24;

private:
    static_assert(sizeof(slot) == slot_bytes);

    [[nodiscard]] std::size_t index(std::int64_t id) const { return static_cast<std::size_t>(id - 1) % window_; }

    /// The slot of a new id; the id it held before (window ids ago) is forgotten.
    slot& claim(std::int64_t id) {
        const auto i = index(id);
        if (i >= ring_.size()) ring_.resize(i + 1);
        slot& s = ring_[i];
        if (s.what == kind::several) several_.erase(s.id);
        if (s.what == kind::broadcast) forget_broadcast(s.id);  // its entry in broadcast_order_ goes in turn
        s = slot{};
        s.id = id;
        return s;
    }

    struct broadcast_state {
        std::vector<std::uint64_t> bits;  // one per user: received
        std::int64_t published_ns = 0;    // intended publish time (steady)
        std::int64_t last_ns = -1;        // the last delivery so far, -1 before the first
    };

    /// Drops a broadcast, keeping its time (if anyone received it).
    void forget_broadcast(std::int64_t id) {
        const auto b = broadcasts_.find(id);
        if (b == broadcasts_.end()) return;
        if (b->second.last_ns >= 0) forgotten_times_.record(std::max<std::int64_t>(0, b->second.last_ns - b->second.published_ns));
        broadcasts_.erase(b);
    }

    mutable std::mutex mutex_;
    std::uint32_t users_;
    std::size_t window_;
    std::size_t words_per_broadcast_;
    std::size_t max_broadcasts_;
    std::int64_t next_ = 1;
    std::vector<slot> ring_;
    std::map<std::int64_t, std::vector<std::pair<std::uint32_t, bool>>> several_;
    std::map<std::int64_t, broadcast_state> broadcasts_;
    histogram forgotten_times_;  // broadcast times of the broadcasts no longer remembered
    std::deque<std::int64_t> broadcast_order_;
};

} // namespace surge::replay
