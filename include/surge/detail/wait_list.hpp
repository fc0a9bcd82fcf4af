// surge/detail/wait_list.hpp — the intrusive queue of waiting processes that every kernel object
// processes wait on (event, resource, store, container, process join) keeps: a node lives in the
// awaiter inside the waiting coroutine's frame, so queueing a waiter never allocates.
#pragma once

#include <cstddef>
#include <cstdint>

namespace surge::detail {

struct process_state;
struct wait_list;

/// A registration of a waiting process in some kernel object's queue. Unlinks itself when
/// destroyed, so a coroutine frame destroyed mid-wait leaves no dangling node behind.
struct waiter {
    waiter* prev = nullptr;
    waiter* next = nullptr;
    wait_list* list = nullptr;
    process_state* proc = nullptr;
    void (*on_fire)(waiter&) = nullptr;  // called after the owner unlinked it: the wait is satisfied
    void* ctx = nullptr;                 // the awaiter that owns the node, for its owner's use
    std::int64_t amount = 0;             // what a container/token waiter asks for
    std::int32_t prio = 0;               // priority-ordered queues: lower first

    waiter() = default;
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;
    ~waiter() { unlink(); }
    inline void unlink() noexcept;
    [[nodiscard]] bool linked() const noexcept { return list != nullptr; }
};

/// An intrusive FIFO of waiters (or priority-ordered, through insert_by_priority).
struct wait_list {
    waiter* head = nullptr;
    waiter* tail = nullptr;
    std::size_t count = 0;

    wait_list() = default;
    wait_list(const wait_list&) = delete;
    wait_list& operator=(const wait_list&) = delete;
    ~wait_list() { detach_all(); }

    [[nodiscard]] bool empty() const noexcept { return head == nullptr; }
    [[nodiscard]] std::size_t size() const noexcept { return count; }
    [[nodiscard]] waiter* front() const noexcept { return head; }

    void push_back(waiter& w) noexcept {
        w.list = this;
        w.prev = tail;
        w.next = nullptr;
        (tail != nullptr ? tail->next : head) = &w;
        tail = &w;
        ++count;
    }
    /// Keeps the list sorted by prio (lower first), FIFO among equals; scans from the back, so
    /// equal priorities cost O(1).
    void insert_by_priority(waiter& w) noexcept {
        waiter* after = tail;
        while (after != nullptr && after->prio > w.prio) after = after->prev;
        w.list = this;
        w.prev = after;
        w.next = after != nullptr ? after->next : head;
        (w.next != nullptr ? w.next->prev : tail) = &w;
        (after != nullptr ? after->next : head) = &w;
        ++count;
    }
    void remove(waiter& w) noexcept {
        (w.prev != nullptr ? w.prev->next : head) = w.next;
        (w.next != nullptr ? w.next->prev : tail) = w.prev;
        w.prev = w.next = nullptr;
        w.list = nullptr;
        --count;
    }
    /// Unlinks the front waiter and tells it its wait is satisfied.
    void fire_front() {
        waiter* w = head;
        remove(*w);
        w->on_fire(*w);
    }
    void fire_all() {
        while (head != nullptr) fire_front();
    }
    /// The owner is going away: forget every waiter without waking it.
    void detach_all() noexcept {
        while (head != nullptr) remove(*head);
    }
};

inline void waiter::unlink() noexcept {
    if (list != nullptr) list->remove(*this);
}

} // namespace surge::detail
