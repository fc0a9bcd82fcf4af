// models/connection_registry.hpp — who the server believes is connected. This is the server's
// belief, not the network's truth: a client whose network vanished stays registered until a ping
// fails (models/ws_link.hpp has the truth). Each registration has a generation, so a late ping
// verdict about an earlier connection of the same user is recognised and ignored.
// Also: client_side, what the server tells the clients (models/user.hpp) about their connections.
#pragma once

#include "models/params.hpp"
#include "models/connection_meter.hpp"
#include "models/memory_meter.hpp"

#include <surge/simulation.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace surge::models {

/// What the server tells the client side (models/user.hpp) about its connections.
class client_side {
public:
    virtual ~client_side() = default;
    /// Is this connect attempt still the user's current one (the client has not given up)?
    [[nodiscard]] virtual bool attempt_current(std::uint32_t user, std::uint32_t attempt) const = 0;
    virtual void connect_accepted(std::uint32_t user, std::uint32_t attempt) = 0;
    virtual void connect_refused(std::uint32_t user, std::uint32_t attempt) = 0;
    /// The server closed the connection (slow consumer policy "disconnect").
    virtual void closed_by_server(std::uint32_t user) = 0;
};

class connection_registry {
public:
    connection_registry(simulation& sim, std::size_t users, const memory_params& mem, connection_meter& meter,
                        memory_meter& memory)
        : sim_(&sim), meter_(&meter), memory_(&memory), per_connection_(mem.per_connection), connected_(users, 0), generation_(users, 0) {}

    [[nodiscard]] bool connected(std::uint32_t u) const noexcept { return connected_[u] != 0; }
    /// Changes at every registration and unregistration of user u.
    [[nodiscard]] std::uint32_t generation(std::uint32_t u) const noexcept { return generation_[u]; }
    [[nodiscard]] std::int64_t count() const noexcept { return meter_->connected_now(); }
    [[nodiscard]] std::size_t users() const noexcept { return connected_.size(); }

    /// Registers user u's new connection, first dropping a stale one the ping has not caught yet.
    void add(std::uint32_t u) {
        if (connected_[u] != 0) remove(u);
        connected_[u] = 1;
        ++generation_[u];
        meter_->on_opened(sim_->now());
        memory_->add(sim_->now(), memory_meter::connections, per_connection_);
        sim_->trace().record(sim_->now(), "connect", u);
    }

    /// Forgets user u's connection (which must be registered).
    void remove(std::uint32_t u) {
        connected_[u] = 0;
        ++generation_[u];
        meter_->on_closed(sim_->now());
        memory_->add(sim_->now(), memory_meter::connections, -per_connection_);
        sim_->trace().record(sim_->now(), "disconnect", u);
    }

private:
    simulation* sim_;
    connection_meter* meter_;  // holds the one count of connections
    memory_meter* memory_;
    std::int64_t per_connection_;
    std::vector<std::uint8_t> connected_;
    std::vector<std::uint32_t> generation_;
};

} // namespace surge::models
