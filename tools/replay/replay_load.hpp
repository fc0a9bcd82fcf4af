// tools/replay/replay_load.hpp — how a live run publishes: the open phases' publishes at their
// intended times (from the shared generator, mapped to wall time and spun onto the instant), the
// closed phases' clients (request, answer, think), the request bodies, and the bookkeeping of
// each answer. Part of replay_run (replay_run.hpp); include replay.hpp.
#pragma once

#include "publish_template.hpp"
#include "replay_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>

namespace surge::replay {

inline void replay_run::schedule_phases() {
    auto& gen = *generator_;
    for (std::size_t i = 0; i < gen.phases(); ++i) {
        phase_state ps;
        ps.begin_ns = gen.phase_begin(i).count();
        ps.end_ns = gen.phase_end(i).count();
        phases_.push_back(std::move(ps));
    }
    // Closed phases: each phase's clients start together at the phase's start, as in the simulation.
    closed_.resize(gen.closed_clients());
    for (std::size_t c = 0; c < closed_.size(); ++c) {
        auto& cl = closed_[c];
        cl.timer = std::make_unique<net::steady_timer>(control_);
        const auto& ps = phases_[gen.closed_phase(c)];
        if (ps.end_ns <= ps.begin_ns) continue;
        cl.timer->expires_at(steady::time_point(std::chrono::nanoseconds(t0_ + scaled(duration::nanoseconds(ps.begin_ns)))));
        cl.timer->async_wait([this, c](beast::error_code ec) {
            if (!ec) closed_next(c);
        });
    }
    // Open phases: the first publish is one gap after the phase starts, as in the simulation.
    for (std::size_t i = 0; i < phases_.size(); ++i)
        if (gen.is_open(i)) phases_[i].next = gen.next_open(i);
    schedule_timer_ = std::make_unique<net::steady_timer>(control_);
    register_due(steady_ns() + lookahead_ns());
    if (!due_.empty()) arm_schedule();
}

/// How far ahead of the clock the open phases' publishes are registered in the delivery ledger.
/// One process: only the next one. Across ranks every rank registers every publish (the ids must
/// agree) but only one sends it: a rank whose control thread wakes late must already know an id
/// that another rank's publish made the server deliver to one of its users.
inline std::int64_t replay_run::lookahead_ns() const { return opt_.ranks > 1 ? 250'000'000 : 0; }

/// Registers the open phases' next publishes in the ledger, in the order of (intended time, phase
/// index) — the same order on every rank, whenever each rank does it, so that ids agree — until
/// the last registered one is due after `horizon` (steady ns; at least one stays registered).
/// Publish k of that order is sent by rank k % ranks.
inline void replay_run::register_due(std::int64_t horizon) {
    for (;;) {
        std::size_t best = phases_.size();
        for (std::size_t i = 0; i < phases_.size(); ++i)
            if (phases_[i].next && (best == phases_.size() || phases_[i].next->at < phases_[best].next->at)) best = i;
        if (best == phases_.size()) return;
        const auto intended = steady_of(phases_[best].next->at);
        if (!due_.empty() && intended > horizon) return;
        scheduled_publish d;
        d.plan = std::move(*phases_[best].next);
        d.intended_ns = intended;
        d.ids = register_ids(d.plan, intended);
        d.mine = schedule_seq_ % opt_.ranks == opt_.rank;
        ++schedule_seq_;
        due_.push_back(std::move(d));
        phases_[best].next = generator_->next_open(best);
    }
}

/// The ids of a publish's notifications, registered in the ledger with their recipients.
inline std::vector<std::int64_t> replay_run::register_ids(const planned_publish& p, std::int64_t intended_ns) {
    std::vector<std::int64_t> ids;
    ids.reserve(p.recipients.size());
    for (const auto& recipients : p.recipients)
        ids.push_back(p.target == models::target_kind::broadcast ? ledger_->publish_broadcast(intended_ns)
                                                                 : ledger_->publish(recipients, intended_ns));
    return ids;
}

/// The schedule's timer for the next registered publish. It fires up to spin_lead early (never
/// more than a twentieth of the wait, so the spinning costs at most ~5 % of the control thread at
/// high rates), and generate() spins the rest: the wake-up latency of a busy machine (a sleeping
/// thread waits for a core) is paid before the intended time instead of after it.
inline void replay_run::arm_schedule() {
    const auto intended = due_.front().intended_ns;
    const auto wait = intended - steady_ns();
    const auto lead_max = std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.spin_lead).count();
    lead_ns_ = std::clamp<std::int64_t>(wait / 20, 0, lead_max);
    schedule_timer_->expires_at(steady::time_point(std::chrono::nanoseconds(intended - lead_ns_)));
    schedule_timer_->async_wait([this](beast::error_code ec) {
        if (!ec) generate();
    });
}

/// Publishes what is due (everything overdue at once, each with its own intended time: no
/// coordinated omission), then waits for the next. Across ranks, every rank counts the attempts
/// of every publish for its own users; only the publish's rank sends it.
inline void replay_run::generate() {
    if (finished_) return;
    auto now = steady_ns();
    if (!due_.empty()) {
        const auto intended = due_.front().intended_ns;
        if (intended > now && intended - now <= lead_ns_)
            while ((now = steady_ns()) < intended) {}  // woken early on purpose (arm_schedule)
    }
    bool first = true;
    while (!due_.empty()) {
        const auto intended = due_.front().intended_ns;
        if (intended > now) break;
        if (first) {
            lag_.record(now - intended);
            lag_w_.record(scenario_time(intended), now - intended);
            first = false;
        }
        scheduled_publish d = std::move(due_.front());
        due_.pop_front();
        account(d.plan, d.intended_ns);
        if (d.mine) emit(d.plan, d.intended_ns, d.ids);
        register_due(now + lookahead_ns());
    }
    if (!due_.empty()) arm_schedule();
}

/// A closed client's next request, unless its phase is over or it has sent its share. A closed
/// client's request is due when the client decides to send it: its intended time is now.
inline void replay_run::closed_next(std::size_t c) {
    if (finished_) return;
    auto& cl = closed_[c];
    const auto phase = generator_->closed_phase(c);
    const auto& p = sc_.load[phase];
    const auto now = steady_ns();
    const auto tau = scenario_ns(now);
    if (tau >= phases_[phase].end_ns) return;
    if (p.requests_per_client > 0 && cl.sent >= p.requests_per_client) return;
    ++cl.sent;
    const auto request = generator_->closed_request(c, time_point::from_ns(std::max<std::int64_t>(tau, 0)));
    account(request, now);
    emit(request, now, register_ids(request, now), static_cast<std::int32_t>(c));
}

/// The answer came (or the request failed): think, then the next request. After a failure the
/// client waits at least 50 ms, so that a target that refuses at once is not hammered in a loop.
inline void replay_run::closed_done(std::size_t c, bool ok) {
    if (finished_) return;
    auto& cl = closed_[c];
    std::int64_t think = scaled(generator_->closed_think(c));
    if (!ok) think = std::max<std::int64_t>(think, 50'000'000);
    if (think <= 0) return closed_next(c);
    cl.timer->expires_after(std::chrono::nanoseconds(think));
    cl.timer->async_wait([this, c](beast::error_code ec) {
        if (!ec) closed_next(c);
    });
}

/// What a publish due now is to this rank's users: an attempt for each recipient online (a
/// broadcast: every connection open), a notification for the offline queue for the others. Every
/// rank does this for every publish, for its own users; one process owns them all.
inline void replay_run::account(const planned_publish& p, std::int64_t intended_ns) {
    const time_point at = time_point::from_ns(scenario_ns(intended_ns));  // for the meters
    for (const auto& recipients : p.recipients) {
        if (p.target == models::target_kind::broadcast) {
            const auto open = std::max<std::int64_t>(open_total_.load(std::memory_order_relaxed), 0);
            {
                std::lock_guard lock(meters_mutex_);
                rec_.delivery.on_attempted(at, static_cast<std::uint64_t>(open));
            }
            rec_.broadcasts.on_broadcast(at, static_cast<std::uint64_t>(open));
            broadcast_recipients_ += static_cast<std::uint64_t>(open);
            continue;
        }
        for (const std::uint32_t u : recipients) {
            if (u % opt_.ranks != opt_.rank) continue;
            if (online_[u].load(std::memory_order_relaxed)) {
                std::lock_guard lock(meters_mutex_);
                rec_.delivery.on_attempted(at);
            }
            else rec_.offline.add_enqueued(1);
        }
    }
    if (first_publish_ns_ < 0) first_publish_ns_ = intended_ns;
}

/// The request body of a planned publish — one JSON object per notification and recipient, in
/// an array for a batch or a users target — handed to the publisher.
inline void replay_run::emit(const planned_publish& p, std::int64_t intended_ns, const std::vector<std::int64_t>& ids,
                             std::int32_t closed_client) {
    static constexpr const char* priority_names[] = {"low", "normal", "high", "critical"};
    const char* prio = priority_names[static_cast<std::size_t>(p.prio) & 3u];
    const double sent_at_ms = unix_ms_of(intended_ns);
    const double issued_ms = static_cast<double>(detail::unix_ns()) / 1e6;
    const time_point at = time_point::from_ns(scenario_ns(intended_ns));  // for the meters
    std::string body;
    std::uint32_t count = 0;
    const bool broadcast = p.target == models::target_kind::broadcast;
    // The protocol section's body template (publish_template.hpp), if it has one: one expanded
    // object per recipient (or per notification when it names {recipients}), in an array when the
    // request holds more than one. Without a template, the replay's own objects, written directly.
    const nlohmann::json& tmpl = body_template(settings_.protocol, broadcast);
    const bool per_notification = !tmpl.is_null() && names_recipient_list(tmpl);
    const bool batch = p.batch() > 1 || (p.target == models::target_kind::users && !per_notification);
    nlohmann::json objects = nlohmann::json::array();
    if (batch && tmpl.is_null()) body += '[';
    auto expand = [&](std::int64_t id, std::span<const std::uint32_t> to) {
        notification_values v;
        v.id = id;
        v.broadcast = broadcast;
        v.user_prefix = opt_.user_prefix;
        v.recipients = to;
        v.priority = prio;
        v.payload = p.payload;
        v.sent_at_ms = sent_at_ms;
        v.issued_at_ms = issued_ms;
        objects.push_back(expand_template(tmpl, v));
    };
    auto add = [&](std::int64_t id, const char* target, std::optional<std::uint32_t> user) {
        if (!tmpl.is_null()) {
            if (user) expand(id, std::span<const std::uint32_t>(&*user, 1));
            else expand(id, {});
            ++count;
            return;
        }
        if (count > 0) body += ',';
        char num[64];
        body += "{\"id\":" + std::to_string(id) + ",\"target\":\"" + target + "\"";
        if (user) body += ",\"user\":\"" + opt_.user_prefix + std::to_string(*user) + "\"";
        body += ",\"priority\":\"";
        body += prio;
        std::snprintf(num, sizeof num, "\",\"sent_at\":%.3f,\"issued_at\":%.3f", sent_at_ms, issued_ms);
        body += num;
        body += ",\"payload\":\"";
        body.append(p.payload, 'x');
        body += "\"}";
        ++count;
    };
    for (std::size_t k = 0; k < p.recipients.size(); ++k) {
        const auto& recipients = p.recipients[k];
        if (p.target == models::target_kind::broadcast) {
            add(ids[k], "broadcast", std::nullopt);
            continue;
        }
        if (per_notification) expand(ids[k], recipients);
        else
            for (const std::uint32_t u : recipients) add(ids[k], "user", u);
    }
    if (!tmpl.is_null()) body = batch ? objects.dump() : objects.at(0).dump();
    else if (batch) body += ']';
    rec_.publishing.on_published(at, p.batch());
    published_total_.fetch_add(p.batch(), std::memory_order_relaxed);
    rec_.publishing.on_operation(at);
    ++publish_requests_;
    publish_request r{std::move(body), intended_ns, p.batch(), closed_client};
    r.broadcast = broadcast;
    if (wsp_) wsp_->publish(std::move(r));
    else http_->submit(std::move(r));
}

inline void replay_run::on_published(const publish_request& r, publish_outcome o, std::int64_t done_ns, const std::string& detail) {
    // A closed client goes on after the answer; posted, since a publisher may answer from inside
    // submit() (a full backlog, a publisher connection that is down).
    if (r.closed_client >= 0)
        net::post(control_, [this, c = static_cast<std::size_t>(r.closed_client), ok = o == publish_outcome::accepted] {
            closed_done(c, ok);
        });
    const time_point done = time_point::from_ns(scenario_ns(done_ns));  // for the meters
    switch (o) {
    case publish_outcome::accepted:
        rec_.publishing.on_accepted(done, r.notifications);
        rec_.publishing.on_stored(done, r.notifications);
        rec_.publishing.on_succeeded(done, duration::nanoseconds(std::max<std::int64_t>(0, done_ns - r.intended_ns)),
                                     r.notifications);
        if (opt_.ranks > 1) {
            const auto took = std::max<std::int64_t>(0, done_ns - r.intended_ns);
            operation_latency_.record(took);
            record_window(operation_latency_w_, done, took);
        }
        accepted_total_.fetch_add(r.notifications, std::memory_order_relaxed);
        last_accept_ns_ = done_ns;
        last_contact_ns_ = done_ns;
        failures_since_contact_ = 0;
        return;
    case publish_outcome::rejected: rec_.publishing.on_rejected(done, r.notifications); break;
    case publish_outcome::failed: rec_.publishing.on_failed(done, r.notifications); break;
    case publish_outcome::timed_out: rec_.publishing.on_timed_out(done, r.notifications); break;
    }
    failed_total_.fetch_add(r.notifications, std::memory_order_relaxed);
    ++failures_since_contact_;
    last_failure_ = detail;
    note_error(detail);
}

} // namespace surge::replay
