// models/message.hpp — one copy of a notification on its way to one user, and the pool that holds
// them. A copy lives in exactly one per-user FIFO at a time: the user's offline queue, or the
// user's link (sent and not yet received). The FIFOs are intrusive lists through the pool, so a
// million idle users cost no per-user container.
#pragma once

#include <surge/time.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace surge::models {

inline constexpr std::uint32_t no_index = std::numeric_limits<std::uint32_t>::max();

/// What a message copy is.
enum class message_kind : std::uint8_t { notification, reply };

struct message {
    time_point created;               // the notification's publish time (or a client message's send time)
    std::uint32_t next = no_index;    // next in the same per-user FIFO
    std::uint32_t bytes = 0;          // payload
    std::uint32_t broadcast = no_index;  // index of the broadcast it belongs to, if any
    message_kind kind = message_kind::notification;
    bool dropped = false;             // dropped from a send buffer while on the link
    bool queued = false;              // went through an offline queue (delivered on reconnection)
};

/// A free-list pool of messages addressed by 32-bit index.
class message_pool {
public:
    std::uint32_t make(const message& m) {
        std::uint32_t i;
        if (free_ != no_index) {
            i = free_;
            free_ = items_[i].next;
            items_[i] = m;
        } else {
            i = static_cast<std::uint32_t>(items_.size());
            items_.push_back(m);
        }
        items_[i].next = no_index;
        ++live_;
        return i;
    }
    void free(std::uint32_t i) noexcept {
        items_[i].next = free_;
        free_ = i;
        --live_;
    }
    message& operator[](std::uint32_t i) noexcept { return items_[i]; }
    const message& operator[](std::uint32_t i) const noexcept { return items_[i]; }
    [[nodiscard]] std::size_t live() const noexcept { return live_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return items_.size(); }

private:
    std::vector<message> items_;
    std::uint32_t free_ = no_index;
    std::size_t live_ = 0;
};

/// A FIFO of pool indices (head, tail, size): 12 bytes per user.
struct message_fifo {
    std::uint32_t head = no_index;
    std::uint32_t tail = no_index;
    std::uint32_t size = 0;

    void push(message_pool& pool, std::uint32_t i) noexcept {
        pool[i].next = no_index;
        if (tail == no_index) head = i; else pool[tail].next = i;
        tail = i;
        ++size;
    }
    std::uint32_t pop(message_pool& pool) noexcept {
        const std::uint32_t i = head;
        head = pool[i].next;
        if (head == no_index) tail = no_index;
        --size;
        return i;
    }
    [[nodiscard]] bool empty() const noexcept { return head == no_index; }
};

} // namespace surge::models
