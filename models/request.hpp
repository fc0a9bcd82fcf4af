// models/request.hpp — one request for the server's workers. Requests are of three kinds:
// publish (a batch of notifications to a user, a list or everyone), connect (a client's handshake
// reaching the application) and client_message (a client's message that the server answers).
// Producers (models/producer.hpp) and clients (models/user.hpp) build them; admission
// (models/admission.hpp) queues them; the handlers (models/request_handlers.hpp) serve them.
#pragma once

#include "models/params.hpp"

#include <surge/process.hpp>
#include <surge/time.hpp>

#include <cstdint>

namespace surge::models {

struct request {
    enum class kind : std::uint8_t { publish, connect, client_message };
    kind type = kind::publish;
    priority_class prio = priority_class::normal;
    target_kind target = target_kind::user;
    std::uint32_t user = 0;          // connect / client_message: the client
    std::uint32_t attempt = 0;       // connect: the client's attempt id
    std::uint32_t batch = 1;         // publish: notifications in this request
    std::uint32_t recipients = 1;    // publish to users: recipients per notification
    std::uint32_t payload = 0;       // bytes per notification (or per client message)
    std::uint64_t target_seed = 0;   // publish: seeds the draw of recipients
    time_point created;              // when the client sent it
    time_point enqueued;             // when it reached the queue
    event* done = nullptr;           // closed-loop clients wait on it
    bool* ok = nullptr;              // ... and read the outcome here
    bool stored = false;             // publish, event_loop server: its transaction is done
};

} // namespace surge::models
