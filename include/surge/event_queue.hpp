// surge/event_queue.hpp — the pending-event set of a simulation: callbacks ordered by
// (time, priority, insertion sequence), cancellable through a handle.
//
// Layout, chosen for the hold benchmark (tests/bench/kernel_bench.cpp):
//  - a 4-ary min-heap of 24-byte entries {time, key, slot}; `key` packs the priority into the top
//    16 bits and the insertion sequence into the low 48, so one integer compare orders ties;
//  - a pool of 32-byte slots that hold the callback in place (16 bytes inline, the common
//    `[this, handle]` capture), reused through a LIFO free list: no allocation per event;
//  - cancellation is lazy: the slot's callback is destroyed and the heap entry is skipped when it
//    surfaces; the heap is compacted when cancelled entries outnumber live ones.
// Pop order is a total order on (time, key), so it never depends on the heap's internal layout.
#pragma once

#include "surge/time.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// The heap's inner loops are inlined into their callers (GCC and clang otherwise keep the child
// selection out of line: a call per heap level in the hold benchmark).
#if defined(__GNUC__) || defined(__clang__)
#define SURGE_HOT_INLINE [[gnu::always_inline]] inline
#else
#define SURGE_HOT_INLINE inline
#endif

namespace surge {

/// Opt-in for callbacks whose move-construct-then-destroy-the-source equals a byte copy (e.g. a
/// type owning one pointer that its move nulls): the queue then relocates them with memcpy.
template <class T>
struct is_trivially_relocatable : std::false_type {};

/// Lower runs first among events at the same instant. Kernel resumptions use `normal`.
enum class priority : std::int16_t { urgent = -100, high = -10, normal = 0, low = 10 };

/// Refers to one scheduled event; stays safe to use (cancel returns false) after the event ran.
class event_handle {
public:
    constexpr event_handle() noexcept = default;
    [[nodiscard]] constexpr bool empty() const noexcept { return gen_ == 0; }
    friend constexpr bool operator==(event_handle, event_handle) noexcept = default;

private:
    friend class event_queue;
    constexpr event_handle(std::uint32_t slot, std::uint32_t gen) noexcept : slot_(slot), gen_(gen) {}
    std::uint32_t slot_ = 0;
    std::uint32_t gen_ = 0;  // 0 never names a live event
};

class event_queue {
public:
    static constexpr std::size_t inline_capture = 16;
    static constexpr std::uint64_t max_sequence = (std::uint64_t{1} << 48) - 1;

    event_queue() = default;
    event_queue(const event_queue&) = delete;
    event_queue& operator=(const event_queue&) = delete;
    ~event_queue() { clear(); }

    /// Adds `fn` (callable as `fn()`) to run at `t`. Callables that capture up to 16 bytes and are
    /// nothrow-movable are stored inline; larger ones are boxed on the heap.
    template <class F>
    event_handle push(time_point t, F&& fn, priority prio = priority::normal) {
        using fn_t = std::decay_t<F>;
        static_assert(std::is_invocable_v<fn_t&>, "an event callback must be callable with no arguments");
        if (seq_ > max_sequence)
            throw std::length_error("surge::event_queue: more than 2^48 events scheduled in one run");
        const std::uint32_t idx = alloc_slot();
        slot& s = slots_[idx];
        if constexpr (fits_inline<fn_t>) {
            ::new (static_cast<void*>(s.storage)) fn_t(std::forward<F>(fn));
            s.op = &inline_op<fn_t>;
            s.next_free = inline_flags<fn_t>;
        } else {
            auto* boxed = new fn_t(std::forward<F>(fn));
            std::memcpy(s.storage, &boxed, sizeof boxed);
            s.op = &boxed_op<fn_t>;
            s.next_free = 0;
        }
        const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::int32_t>(prio) + 32768) << 48) | seq_++;
        push_entry(time_key(t), key, idx);
        ++live_;
        return event_handle{idx, s.gen};
    }

    /// Cancels a pending event. Returns false if it already ran, was cancelled, or the handle is empty.
    bool cancel(event_handle h) noexcept {
        if (h.gen_ == 0 || h.slot_ >= slots_.size()) return false;
        slot& s = slots_[h.slot_];
        if (s.gen != h.gen_ || s.op == nullptr) return false;
        s.op(s.storage, op_kind::destroy, nullptr);
        s.op = nullptr;  // the heap entry stays; it is skipped and the slot freed when it surfaces
        bump(s);
        --live_;
        ++cancelled_;
        if (cancelled_ > 1024 && cancelled_ > live_) compact();
        return true;
    }

    [[nodiscard]] bool pending(event_handle h) const noexcept {
        return h.gen_ != 0 && h.slot_ < slots_.size() && slots_[h.slot_].gen == h.gen_ && slots_[h.slot_].op != nullptr;
    }

    [[nodiscard]] bool empty() noexcept { settle(); return heap_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return live_; }

    /// Time of the earliest pending event; only meaningful when !empty().
    [[nodiscard]] time_point next_time() noexcept { settle(); return key_time(heap_.front().time); }

    /// Removes the earliest event and runs it; returns its time. Precondition: !empty().
    /// While the callback runs, the event's own entry is left at the root of the heap: if the
    /// callback schedules exactly one event (the common case), that event replaces it with a single
    /// sift-down instead of a pop plus a push.
    template <class OnRun>
    time_point run_next(OnRun&& on_run) {
        settle();
        const entry top = heap_.front();
        slot& s = slots_[top.slot];
        const op_fn op = s.op;
        // The callback is moved to the stack before it runs: it may schedule events and so
        // reallocate the slot pool under its own feet.
        // A trivially copyable capture (the common `[this, handle]`) moves by memcpy and needs no
        // destructor: two indirect calls fewer per event; a trivially relocatable one, one fewer.
        alignas(std::max_align_t) unsigned char local[inline_capture];
        const std::uint32_t flags = s.next_free;
        if ((flags & memcpy_relocate) != 0)
            std::memcpy(local, s.storage, inline_capture);
        else
            op(s.storage, op_kind::relocate_to, local);
        const bool trivial = (flags & no_destroy) != 0;
        s.op = nullptr;
        free_slot(top.slot);
        --live_;
        root_stale_ = true;
        const time_point at = key_time(top.time);
        on_run(at, top.key);
        struct guard {
            op_fn op; unsigned char* p; event_queue* q; bool trivial;
            ~guard() {
                if (!trivial) op(p, op_kind::destroy, nullptr);
                if (q->root_stale_) q->settle();
            }
        } g{op, local, this, trivial};
        op(local, op_kind::invoke, nullptr);
        return at;
    }

    /// Destroys every pending callback (without running it).
    void clear() noexcept {
        settle();
        for (const entry& e : heap_) {
            slot& s = slots_[e.slot];
            if (s.op != nullptr) s.op(s.storage, op_kind::destroy, nullptr);
            s.op = nullptr;
        }
        heap_.clear();
        slots_.clear();
        free_head_ = none;
        live_ = cancelled_ = 0;
    }

    /// Pre-sizes for `n` pending events (the pool and the heap never shrink).
    void reserve(std::size_t n) {
        heap_.reserve(n);
        slots_.reserve(n);
    }

    /// Bytes held by the queue's own storage (heap + slot pool), for the memory benchmark.
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return heap_.capacity() * sizeof(entry) + slots_.capacity() * sizeof(slot);
    }
    static constexpr std::size_t bytes_per_event() noexcept { return sizeof(entry) + sizeof(slot); }
    [[nodiscard]] std::uint64_t sequence() const noexcept { return seq_; }

private:
    enum class op_kind : std::uint8_t { invoke, destroy, relocate_to };
    using op_fn = void (*)(unsigned char* self, op_kind, unsigned char* dst);

    struct entry {
        std::uint64_t time;  // time_key(): the signed nanoseconds with the sign bit flipped
        std::uint64_t key;  // priority (16 bits, biased) | sequence (48 bits)
        std::uint32_t slot;
    };
    struct slot {
        alignas(8) unsigned char storage[inline_capture];
        op_fn op = nullptr;        // null: free or cancelled
        std::uint32_t gen = 1;     // bumped when the event runs or is cancelled
        std::uint32_t next_free = none;  // while live: memcpy_relocate | no_destroy flags of the callback
    };
    static constexpr std::uint32_t none = 0xFFFFFFFFu;
    static constexpr std::uint32_t memcpy_relocate = 1;
    static constexpr std::uint32_t no_destroy = 2;
    static constexpr std::size_t branch_free_limit = std::size_t{1} << 18;  // by BM_Hold/65536 vs /1048576

    template <class F>
    static constexpr bool fits_inline = sizeof(F) <= inline_capture && alignof(F) <= 8 &&
                                        std::is_nothrow_move_constructible_v<F>;

    template <class F>
    static constexpr std::uint32_t inline_flags =
        std::is_trivially_copyable_v<F> ? (memcpy_relocate | no_destroy)
        : is_trivially_relocatable<F>::value ? memcpy_relocate : 0;

    template <class F>
    static void inline_op(unsigned char* self, op_kind k, unsigned char* dst) {
        F* f = std::launder(reinterpret_cast<F*>(self));
        switch (k) {
        case op_kind::invoke: (*f)(); break;  // exceptions escape through run_next's guard
        case op_kind::destroy: f->~F(); break;
        case op_kind::relocate_to: ::new (static_cast<void*>(dst)) F(std::move(*f)); f->~F(); break;
        }
    }
    template <class F>
    static void boxed_op(unsigned char* self, op_kind k, unsigned char* dst) {
        F* f;
        std::memcpy(&f, self, sizeof f);
        switch (k) {
        case op_kind::invoke: (*f)(); break;
        case op_kind::destroy: delete f; break;
        case op_kind::relocate_to: std::memcpy(dst, self, sizeof f); break;  // the box moves as a pointer
        }
    }

    // Bitwise, not short-circuit: the heap's child selection then compiles to conditional moves
    // instead of branches that a random workload mispredicts half the time.
    static bool before(const entry& a, const entry& b) noexcept { return before(a.time, a.key, b); }
    // The same order as one 128-bit comparison (cmp/sbb/setc): no branch at all.
    static bool less128(const entry& a, const entry& b) noexcept {
        __extension__ typedef unsigned __int128 u128;
        const u128 x = (static_cast<u128>(a.time) << 64) | a.key;
        const u128 y = (static_cast<u128>(b.time) << 64) | b.key;
        return x < y;
    }

    // Times are kept with the sign bit flipped, so that unsigned order is signed order and the
    // 128-bit comparison needs no adjustment per compare.
    static constexpr std::uint64_t time_bias = std::uint64_t{1} << 63;
    static std::uint64_t time_key(time_point t) noexcept { return static_cast<std::uint64_t>(t.count()) ^ time_bias; }
    static time_point key_time(std::uint64_t k) noexcept { return time_point::from_ns(static_cast<std::int64_t>(k ^ time_bias)); }

    static void bump(slot& s) noexcept {
        if (++s.gen == 0) s.gen = 1;
    }

    std::uint32_t alloc_slot() {
        if (free_head_ != none) {
            const std::uint32_t idx = free_head_;
            free_head_ = slots_[idx].next_free;
            return idx;
        }
        if (slots_.size() >= none) throw std::length_error("surge::event_queue: too many pending events");
        slots_.emplace_back();
        return static_cast<std::uint32_t>(slots_.size() - 1);
    }
    void free_slot(std::uint32_t idx) noexcept {
        slot& s = slots_[idx];
        bump(s);
        s.next_free = free_head_;
        free_head_ = idx;
    }

    // Entries travel as scalars, not as a struct in memory: a 16-byte load of a struct that was
    // just written as 8-byte fields stalls on store forwarding, which cost half the hold benchmark.
    SURGE_HOT_INLINE void push_entry(std::uint64_t time, std::uint64_t key, std::uint32_t idx) {
        if (root_stale_) {
            // Reuse the root left by the running event: one sift-down.
            root_stale_ = false;
            sift_down_from_root(time, key, idx);
            return;
        }
        heap_.push_back(entry{time, key, idx});
        sift_up(heap_.size() - 1, time, key, idx);
    }

    static bool before(std::uint64_t time, std::uint64_t key, const entry& b) noexcept {
        return time < b.time || (time == b.time && key < b.key);
    }

    SURGE_HOT_INLINE void sift_up(std::size_t i, std::uint64_t time, std::uint64_t key, std::uint32_t idx) noexcept {
        entry* const h = heap_.data();
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (!before(time, key, h[parent])) break;
            h[i] = h[parent];
            i = parent;
        }
        h[i].time = time;
        h[i].key = key;
        h[i].slot = idx;
    }

    /// The smallest of the children of the node whose first child is `first` (< n).
    [[nodiscard]] SURGE_HOT_INLINE std::size_t smallest_child(std::size_t first, std::size_t n) const noexcept {
        const entry* const h = heap_.data();
        if (first + 4 <= n) {
            if (n <= branch_free_limit) {
                // Branch-free tournament: which child is smallest is a coin flip in a random
                // workload, so branches here mispredict about half the time. Past the caches the
                // branchy form wins: speculation overlaps the next level's memory loads.
                const std::size_t a = first + static_cast<std::size_t>(less128(h[first + 1], h[first]));
                const std::size_t b = first + 2 + static_cast<std::size_t>(less128(h[first + 3], h[first + 2]));
                const std::size_t pick = static_cast<std::size_t>(less128(h[b], h[a]));
                return a + ((b - a) & (std::size_t{0} - pick));
            }
            const std::size_t a = before(h[first + 1], h[first]) ? first + 1 : first;
            const std::size_t b = before(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
            return before(h[b], h[a]) ? b : a;
        }
        std::size_t best = first;
        for (std::size_t c = first + 1; c < n; ++c)
            if (before(h[c], h[best])) best = c;
        return best;
    }

    // Floyd's bottom-up variant for an entry placed at the root: move the hole down along the
    // smallest children to a leaf without comparing the new entry, then sift it up from there.
    // A new event is usually later than most pending ones, so it would end deep anyway; this
    // halves the comparisons on the way down.
    SURGE_HOT_INLINE void sift_down_from_root(std::uint64_t time, std::uint64_t key, std::uint32_t idx) noexcept {
        const std::size_t n = heap_.size();
        entry* const h = heap_.data();
        std::size_t i = 0;
        for (std::size_t first = 1; first < n; first = 4 * i + 1) {
            const std::size_t best = smallest_child(first, n);
            h[i] = h[best];
            i = best;
        }
        sift_up(i, time, key, idx);
    }

    void sift_down(std::size_t i, std::uint64_t time, std::uint64_t key, std::uint32_t idx) noexcept {
        const std::size_t n = heap_.size();
        entry* const h = heap_.data();
        for (std::size_t first = 4 * i + 1; first < n; first = 4 * i + 1) {
            const std::size_t best = smallest_child(first, n);
            if (!before(h[best].time, h[best].key, entry{time, key, idx})) break;
            h[i] = h[best];
            i = best;
        }
        h[i].time = time;
        h[i].key = key;
        h[i].slot = idx;
    }

    /// Brings the heap to a clean state: removes a stale root and any cancelled entries on top.
    void settle() noexcept {
        if (root_stale_) {
            root_stale_ = false;
            pop_root();
        }
        while (!heap_.empty() && slots_[heap_.front().slot].op == nullptr) {
            free_slot(heap_.front().slot);
            --cancelled_;
            pop_root();
        }
    }

    void pop_root() noexcept {
        const entry last = heap_.back();
        heap_.pop_back();
        if (!heap_.empty()) sift_down_from_root(last.time, last.key, last.slot);
    }

    /// Drops cancelled entries and rebuilds the heap (Floyd's method).
    void compact() noexcept {
        if (root_stale_) return;  // never reshape under a running event; the next cancel retries
        std::size_t out = 0;
        for (std::size_t i = 0; i < heap_.size(); ++i) {
            const entry e = heap_[i];
            if (slots_[e.slot].op == nullptr) {
                free_slot(e.slot);
            } else {
                heap_[out++] = e;
            }
        }
        heap_.resize(out);
        cancelled_ = 0;
        if (out > 1)
            for (std::size_t i = (out - 2) / 4 + 1; i-- > 0;) {
                const entry e = heap_[i];
                sift_down(i, e.time, e.key, e.slot);
            }
    }

    std::vector<entry> heap_;
    std::vector<slot> slots_;
    std::uint32_t free_head_ = none;
    std::size_t live_ = 0;
    std::size_t cancelled_ = 0;
    std::uint64_t seq_ = 0;
    bool root_stale_ = false;
};

} // namespace surge
