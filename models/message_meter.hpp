// models/message_meter.hpp — client messages (chat-like traffic from users to the server):
// sent by users (models/user.hpp), handled by the server (models/request_handlers.hpp), answered
// back (models/fan_out.hpp); or a live replay's counts. Emits the catalogue's messages.* entries.
#pragma once

#include "models/activity_window.hpp"
#include "models/metrics.hpp"

#include <surge/stats.hpp>
#include <surge/time.hpp>

#include <cstdint>

namespace surge::models {

class message_meter {
public:
    void on_sent(time_point) noexcept { ++sent_; }
    void on_handled(time_point) noexcept { ++handled_; }
    /// The answer reached its user `latency_ns` after the message was sent.
    void on_answered(time_point, std::int64_t latency_ns) { latency_.record(latency_ns); }
    /// The messaging span: from the first message sent to the last one handled.
    void active_at(time_point t) noexcept { window_.note(t); }

    // A live replay's counts, taken from its threads after they joined.
    void add(std::uint64_t sent, std::uint64_t handled) noexcept {
        sent_ += sent;
        handled_ += handled;
    }
    void merge_latency(const histogram& h) { latency_.merge(h); }

    [[nodiscard]] std::uint64_t messages_sent() const noexcept { return sent_; }
    [[nodiscard]] std::uint64_t messages_handled() const noexcept { return handled_; }
    [[nodiscard]] const histogram& message_latency() const noexcept { return latency_; }

    void emit(metric_set& m, double load_seconds) const {
        using id = metric_id;
        m.set(id::messages_sent, static_cast<double>(sent_));
        m.set(id::messages_handled, static_cast<double>(handled_));
        m.set(id::messages_throughput, window_.rate(static_cast<double>(handled_), load_seconds));
        emit_histogram(m, latency_, id::messages_latency_mean);
    }

private:
    std::uint64_t sent_ = 0, handled_ = 0;
    histogram latency_;
    activity_window window_;
};

} // namespace surge::models
