// surge/event_queue.hpp — the pending-event set of a simulation: callbacks ordered by
// (time, priority, insertion sequence), cancellable through a handle.
//
// Layout, chosen for the hold benchmark (tests/bench/kernel_bench.cpp):
//  - three tiers by key, each tier's keys all below the next tier's (a two-level ladder queue,
//    after Tang, Goh & Thng 2005): a small heap of the earliest events, then a "rung" of buckets
//    of equal key width 2^shift (unsorted singly linked lists through the slots), then a "top"
//    list of everything beyond the rung. A push links its slot into its bucket or the top in
//    O(1); only the bucket being reached goes into the heap. When the rung is used up, the top is
//    spread over a new rung of about one bucket per event. Every event passes through the heap,
//    so the order is the heap's exact order whatever the buckets look like; many events in one
//    bucket (equal times) only make the heap bigger, the old single-heap behaviour;
//  - the heap: 4-ary, of 16-byte entries {hi, lo}, compared as one 128-bit integer:
//    hi = (time + 2^55) << 8 | (priority + 128), lo = sequence << 32 | slot. The four children of
//    a node share one 64-byte cache line (the array is offset so that they start on a line).
//    Hence the limits: event times within +-2^55 ns (about 417 days), priorities within -128..127,
//    and the 32-bit insertion sequence is renumbered (order kept) when it runs out, every 2^32
//    events; the slot index in the low bits never decides, since (hi, sequence) is unique;
//  - a pool of 48-byte slots that hold the callback in place (16 bytes inline, the common
//    `[this, handle]` capture) and, while in a bucket or the top, the event's key and list link;
//    reused through a LIFO free list: no allocation per event;
//  - cancellation is lazy: the slot's callback is destroyed and the entry is skipped when it
//    reaches the heap's root or leaves a bucket; everything is compacted when cancelled entries
//    outnumber live ones.
// Pop order is a total order on (time, key), so it never depends on the heap's internal layout.
#pragma once

#include "surge/config.hpp"
#include "surge/detail/event_queue_storage.hpp"
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

namespace surge {

/// Opt-in for callbacks whose move-construct-then-destroy-the-source equals a byte copy (e.g. a
/// type owning one pointer that its move nulls): the queue then relocates them with memcpy.
template <class T>
struct is_trivially_relocatable : std::false_type {};

/// Lower runs first among events at the same instant. Kernel resumptions use `normal`. Values
/// outside -128..127 are refused by the event queue (std::out_of_range).
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
    /// Event times must lie in [-horizon, horizon): 2^55 ns, about 417 days.
    static constexpr std::int64_t horizon_ns = std::int64_t{1} << 55;

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
        const std::int64_t ns = t.count();
        if (ns < -horizon_ns || ns >= horizon_ns)
            throw std::out_of_range("surge::event_queue: event time " + std::to_string(ns) +
                                    " ns is beyond the horizon of +-2^55 ns (about 417 days)");
        const auto p = static_cast<std::int32_t>(prio);
        if (p < -128 || p > 127)
            throw std::out_of_range("surge::event_queue: priority " + std::to_string(p) +
                                    " is outside -128..127");
        if (seq_ > max_seq) renumber();
        // Room first, so that nothing below can throw once the callback is in its slot.
        if (heap_.size() == heap_.capacity()) heap_.reserve(heap_.size() + 1);
        if (top_.size() == top_.capacity()) top_.reserve(top_.empty() ? 64 : 2 * top_.size());
        const std::uint32_t idx = alloc_slot();
        slot& s = slots_[idx];
        if constexpr (fits_inline<fn_t>) {
            ::new (static_cast<void*>(s.storage)) fn_t(std::forward<F>(fn));
            s.op = &inline_op<fn_t>;
            s.flags = inline_flags<fn_t>;
        } else {
            auto* boxed = new fn_t(std::forward<F>(fn));
            std::memcpy(s.storage, &boxed, sizeof boxed);
            s.op = &boxed_op<fn_t>;
            s.flags = 0;
        }
        const std::uint64_t hi = (static_cast<std::uint64_t>(ns + horizon_ns) << 8) | static_cast<std::uint64_t>(p + 128);
        route(s, idx, hi, seq_++);
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

    /// May move the next bucket into the heap, which can allocate (std::bad_alloc).
    [[nodiscard]] bool empty() { settle(); return heap_.size() == 0; }
    [[nodiscard]] std::size_t size() const noexcept { return live_; }

    /// Time of the earliest pending event; only meaningful when !empty().
    [[nodiscard]] time_point next_time() { settle(); return entry_time(heap_[0]); }

    /// Removes the earliest event and runs it; returns its time. Precondition: !empty().
    /// While the callback runs, the event's own entry is left at the root of the heap: if the
    /// callback schedules an event that belongs in the heap, that event replaces it with a single
    /// sift-down instead of a pop plus a push; otherwise the next settle() pops it.
    template <class OnRun>
    time_point run_next(OnRun&& on_run) {
        settle();
        const entry top = heap_[0];
        const std::uint32_t top_slot = slot_of(top);
        slot& s = slots_[top_slot];
        const op_fn op = s.op;
        // The callback is moved to the stack before it runs: it may schedule events and so
        // reallocate the slot pool under its own feet.
        // A trivially copyable capture (the common `[this, handle]`) moves by memcpy and needs no
        // destructor: two indirect calls fewer per event; a trivially relocatable one, one fewer.
        alignas(std::max_align_t) unsigned char local[inline_capture];
        const std::uint32_t flags = s.flags;
        if ((flags & memcpy_relocate) != 0)
            std::memcpy(local, s.storage, inline_capture);
        else
            op(s.storage, op_kind::relocate_to, local);
        const bool trivial = (flags & no_destroy) != 0;
        s.op = nullptr;
        free_slot(top_slot);
        --live_;
        root_stale_ = true;
        const time_point at = entry_time(top);
        on_run(at, trace_key(top));
        // The stale root is removed by the next settle() (every reader of the heap settles first).
        struct guard {
            op_fn op; unsigned char* p; bool trivial;
            ~guard() {
                if (!trivial) op(p, op_kind::destroy, nullptr);
            }
        } g{op, local, trivial};
        op(local, op_kind::invoke, nullptr);
        return at;
    }

    /// Destroys every pending callback (without running it).
    void clear() noexcept {
        // Free and cancelled slots hold no callback (op == nullptr). By index: a callback's
        // destructor may cancel other events.
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            const op_fn op = slots_[i].op;
            slots_[i].op = nullptr;
            if (op != nullptr) op(slots_[i].storage, op_kind::destroy, nullptr);
        }
        heap_.clear();
        slots_.clear();
        bucket_.clear();
        rung_start_ = 0;
        rung_shift_ = 0;
        rung_cur_ = 0;
        bottom_end_ = 0;
        top_.clear();
        top_min_ = ~std::uint64_t{0};
        top_max_ = 0;
        free_head_ = none;
        live_ = cancelled_ = 0;
        root_stale_ = false;
    }

    /// Pre-sizes for `n` pending events (the pool, the top and the heap never shrink; the heap
    /// holds only the buckets reached, so it is left to grow as needed).
    void reserve(std::size_t n) {
        slots_.reserve(n);
        top_.reserve(n);
    }

    /// Bytes held by the queue's own storage (heap, slot pool, buckets, top), for the memory
    /// benchmark.
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return heap_.memory_bytes() + slots_.capacity() * sizeof(slot) +
               (bucket_.capacity() + top_.capacity()) * sizeof(std::uint32_t);
    }
    /// The slot, plus at most one bucket head per event (a rung has at most one bucket per event)
    /// and one top index; heap entries exist only for the events of the buckets reached.
    static constexpr std::size_t bytes_per_event() noexcept { return sizeof(slot) + 2 * sizeof(std::uint32_t); }

    /// For tests: make the next push take sequence number `s` (<= 2^32), e.g. to exercise the
    /// renumbering that happens when the 32-bit sequence runs out.
    void set_next_sequence_for_test(std::uint64_t s) noexcept { seq_ = s; }

private:
    enum class op_kind : std::uint8_t { invoke, destroy, relocate_to };
    using op_fn = void (*)(unsigned char* self, op_kind, unsigned char* dst);

    using entry = detail::heap_entry;
    static constexpr std::uint64_t max_seq = 0xFFFFFFFFu;

    static std::uint32_t slot_of(const entry& e) noexcept { return static_cast<std::uint32_t>(e.lo); }
    static time_point entry_time(const entry& e) noexcept {
        return time_point::from_ns(static_cast<std::int64_t>(e.hi >> 8) - horizon_ns);
    }
    // The key the trace hash records per event: priority (16 bits, biased) | sequence. The same
    // value as before the heap entries shrank, for runs of fewer than 2^32 events.
    static std::uint64_t trace_key(const entry& e) noexcept {
        const std::int64_t prio = static_cast<std::int64_t>(e.hi & 0xFF) - 128;
        return (static_cast<std::uint64_t>(prio + 32768) << 48) | (e.lo >> 32);
    }

    using heap_array = detail::heap_array;
    struct slot {
        alignas(8) unsigned char storage[inline_capture];
        op_fn op = nullptr;        // null: free or cancelled
        std::uint64_t hi = 0;      // the entry's key while the slot sits in a bucket or the top
        std::uint32_t gen = 1;     // bumped when the event runs or is cancelled
        std::uint32_t seq = 0;     // the entry's sequence, likewise
        std::uint32_t link = none; // next slot in its bucket, the top, or the free list
        std::uint32_t flags = 0;   // memcpy_relocate | no_destroy flags of the callback
    };
    static_assert(sizeof(slot) == 48);
    static constexpr std::uint32_t none = 0xFFFFFFFFu;
    static constexpr std::uint32_t memcpy_relocate = 1;
    static constexpr std::uint32_t no_destroy = 2;
    static constexpr std::size_t rung_cover = 4;
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

    static bool before(const entry& a, const entry& b) noexcept { return before(a.hi, a.lo, b); }
    static bool before(std::uint64_t hi, std::uint64_t lo, const entry& b) noexcept {
        return hi < b.hi || (hi == b.hi && lo < b.lo);
    }
    __extension__ typedef unsigned __int128 u128;

    // The same order as one 128-bit comparison (cmp/sbb/setc): no branch at all.
    static bool less128(const entry& a, const entry& b) noexcept {
        const u128 x = (static_cast<u128>(a.hi) << 64) | a.lo;
        const u128 y = (static_cast<u128>(b.hi) << 64) | b.lo;
        return x < y;
    }

    static void prefetch(const void* p) noexcept { SURGE_PREFETCH(p); }

    static void bump(slot& s) noexcept {
        if (++s.gen == 0) s.gen = 1;
    }

    std::uint32_t alloc_slot() {
        if (free_head_ != none) {
            const std::uint32_t idx = free_head_;
            free_head_ = slots_[idx].link;
            return idx;
        }
        if (slots_.size() >= none) throw std::length_error("surge::event_queue: too many pending events");
        slots_.emplace_back();
        return static_cast<std::uint32_t>(slots_.size() - 1);
    }
    void free_slot(std::uint32_t idx) noexcept {
        slot& s = slots_[idx];
        bump(s);
        s.link = free_head_;
        free_head_ = idx;
    }

    /// The heap entry of an event that sits in a bucket or the top (its key is in its slot).
    [[nodiscard]] entry entry_of(std::uint32_t i) const noexcept {
        return entry{slots_[i].hi, (static_cast<std::uint64_t>(slots_[i].seq) << 32) | i};
    }

    // Where a new event goes: the heap if its key is below the end of the buckets already moved
    // there, else its bucket of the rung, else the top.
    SURGE_HOT_INLINE void route(slot& s, std::uint32_t idx, std::uint64_t hi, std::uint64_t seq) {
        if (hi < bottom_end_) {
            push_entry(hi, (seq << 32) | idx);
            return;
        }
        s.hi = hi;
        s.seq = static_cast<std::uint32_t>(seq);
        const std::uint64_t j = (hi - rung_start_) >> rung_shift_;  // hi >= bottom_end_ >= rung_start_
        if (j < bucket_.size()) {
            s.link = bucket_[j];
            bucket_[j] = idx;
            return;
        }
        top_.push_back(idx);  // push() made room: no reallocation here
        top_min_ = std::min(top_min_, hi);
        top_max_ = std::max(top_max_, hi);
    }

    /// The heap is empty: move the next non-empty bucket into it, spreading the top over a new
    /// rung first if the rung is used up. Returns false if there is nothing left anywhere. If the
    /// heap cannot grow (std::bad_alloc), the bucket keeps its events and nothing has changed.
    bool refill() {
        for (;;) {
            while (rung_cur_ < bucket_.size()) {
                if (bucket_[rung_cur_] == none) {
                    ++rung_cur_;
                    continue;
                }
                const u128 old_end = bottom_end_;
                bottom_end_ = static_cast<u128>(rung_start_) + (static_cast<u128>(rung_cur_ + 1) << rung_shift_);
                std::uint32_t* at = &bucket_[rung_cur_];
                try {
                    while (*at != none) {
                        const std::uint32_t i = *at;
                        slot& s = slots_[i];
                        if (cancelled_ != 0 && s.op == nullptr) {  // cancelled while in the bucket
                            *at = s.link;
                            free_slot(i);
                            --cancelled_;
                            continue;
                        }
                        const entry e = entry_of(i);
                        heap_.push_back(e);
                        sift_up(heap_.size() - 1, e.hi, e.lo);
                        at = &s.link;
                    }
                } catch (...) {
                    heap_.clear();  // the bucket's list is still whole
                    bottom_end_ = old_end;
                    throw;
                }
                bucket_[rung_cur_] = none;
                ++rung_cur_;
                // The next bucket's first slot is a cache miss when many events are pending:
                // start loading it now, a bucket's worth of events ahead.
                if (rung_cur_ < bucket_.size() && bucket_[rung_cur_] != none)
                    prefetch(&slots_[bucket_[rung_cur_]]);
                if (heap_.size() != 0) return true;
            }
            if (top_.empty()) return false;
            spread_top();
        }
    }

    /// A new rung from the top: as many buckets as events, of width 2^shift, the least with
    /// (max - min) >> shift below rung_cover times the number of events: so the rung covers about
    /// the first 1/rung_cover of the top's span, where events are densest when their times are
    /// exponential-like (hold, Poisson arrivals); the rest stays in the top.
    void spread_top() {
        const std::uint64_t span = top_max_ - top_min_;
        const std::size_t count = top_.size();
        unsigned shift = 0;
        while (shift < 63 && (span >> shift) >= rung_cover * count) ++shift;
        const std::size_t nb = std::min(count, static_cast<std::size_t>(span >> shift) + 1);
        bucket_.assign(nb, none);  // the old rung is used up: nothing is lost if this throws
        const std::uint64_t start = top_min_;
        top_min_ = ~std::uint64_t{0};
        top_max_ = 0;
        std::size_t kept = 0;
        for (const std::uint32_t i : top_) {
            slot& s = slots_[i];
            const std::uint64_t j = (s.hi - start) >> shift;
            if (j < nb) {
                s.link = bucket_[j];
                bucket_[j] = i;
            } else {
                top_[kept++] = i;
                top_min_ = std::min(top_min_, s.hi);
                top_max_ = std::max(top_max_, s.hi);
            }
        }
        top_.resize(kept);
        rung_start_ = start;
        rung_shift_ = shift;
        rung_cur_ = 0;
        bottom_end_ = rung_start_;
    }

    /// Unlinks and frees the cancelled slots of one list; returns how many remain.
    std::size_t prune(std::uint32_t& head) noexcept {
        std::size_t kept = 0;
        std::uint32_t* at = &head;
        while (*at != none) {
            const std::uint32_t i = *at;
            slot& s = slots_[i];
            if (s.op == nullptr) {
                *at = s.link;
                free_slot(i);
            } else {
                ++kept;
                at = &s.link;
            }
        }
        return kept;
    }

    // Entries travel as scalars, not as a struct in memory: a 16-byte load of a struct that was
    // just written as 8-byte fields stalls on store forwarding, which cost half the hold benchmark.
    SURGE_HOT_INLINE void push_entry(std::uint64_t hi, std::uint64_t lo) {
        if (root_stale_) {
            // Reuse the root left by the running event: one sift-down.
            root_stale_ = false;
            sift_down_from_root(hi, lo);
            return;
        }
        heap_.push_back(entry{hi, lo});
        sift_up(heap_.size() - 1, hi, lo);
    }

    SURGE_HOT_INLINE void sift_up(std::size_t i, std::uint64_t hi, std::uint64_t lo) noexcept {
        entry* const h = heap_.data();
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (!before(hi, lo, h[parent])) break;
            h[i] = h[parent];
            i = parent;
        }
        h[i].hi = hi;
        h[i].lo = lo;
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
    SURGE_HOT_INLINE void sift_down_from_root(std::uint64_t hi, std::uint64_t lo) noexcept {
        const std::size_t n = heap_.size();
        entry* const h = heap_.data();
        std::size_t i = 0;
        for (std::size_t first = 1; first < n; first = 4 * i + 1) {
            const std::size_t best = smallest_child(first, n);
            h[i] = h[best];
            i = best;
        }
        sift_up(i, hi, lo);
    }

    void sift_down(std::size_t i, std::uint64_t hi, std::uint64_t lo) noexcept {
        const std::size_t n = heap_.size();
        entry* const h = heap_.data();
        for (std::size_t first = 4 * i + 1; first < n; first = 4 * i + 1) {
            const std::size_t best = smallest_child(first, n);
            if (!before(h[best].hi, h[best].lo, entry{hi, lo})) break;
            h[i] = h[best];
            i = best;
        }
        h[i].hi = hi;
        h[i].lo = lo;
    }

    /// Removes the entry of the event that ran last, left at the root by run_next.
    void drop_stale_root() noexcept {
        if (root_stale_) {
            root_stale_ = false;
            pop_root();
        }
    }

    /// Brings the heap to a clean state: removes a stale root and any cancelled entries on top,
    /// and refills it from the buckets when it runs empty. Inline, the test for "already clean";
    /// out of line, the work.
    SURGE_HOT_INLINE void settle() {
        if (root_stale_ || cancelled_ != 0 || heap_.size() == 0) settle_slow();
    }
    void settle_slow() {
        drop_stale_root();
        for (;;) {
            // With no cancelled event anywhere (the common case) the root cannot be one: skip the
            // slot load, which sits at the end of a chain of three dependent loads.
            while (cancelled_ != 0 && heap_.size() != 0 && slots_[slot_of(heap_[0])].op == nullptr) {
                free_slot(slot_of(heap_[0]));
                --cancelled_;
                pop_root();
            }
            if (heap_.size() != 0 || !refill()) return;
        }
    }

    SURGE_HOT_INLINE void pop_root() noexcept {
        const std::size_t n = heap_.size() - 1;
        const entry last = heap_[n];
        heap_.pop_back();
        if (n == 0) return;
        if (n <= 4) {  // the root's children are all that is left: the smallest moves up
            entry* const h = heap_.data();
            h[0] = last;
            std::size_t best = 0;
            for (std::size_t c = 1; c < n; ++c)
                if (before(h[c], h[best])) best = c;
            if (best != 0) std::swap(h[0], h[best]);
            return;
        }
        sift_down_from_root_outlined(last.hi, last.lo);
    }
    // Out of line, so that pop_root's small-heap path (the common one behind a rung) stays small
    // and its callers save few registers.
    SURGE_NOINLINE void sift_down_from_root_outlined(std::uint64_t hi, std::uint64_t lo) noexcept { sift_down_from_root(hi, lo); }

    /// Drops cancelled entries and rebuilds the heap (Floyd's method).
    void compact() noexcept {
        // Called from a running event, drop its stale root first: its slot may already hold a
        // new event, which must not be kept twice.
        drop_stale_root();
        std::size_t out = 0;
        for (std::size_t i = 0; i < heap_.size(); ++i) {
            const entry e = heap_[i];
            if (slots_[slot_of(e)].op == nullptr) {
                free_slot(slot_of(e));
            } else {
                heap_[out++] = e;
            }
        }
        heap_.resize_down(out);
        for (std::size_t j = rung_cur_; j < bucket_.size(); ++j) prune(bucket_[j]);
        std::size_t kept = 0;  // top_min_ and top_max_ stay valid bounds
        for (const std::uint32_t i : top_) {
            if (slots_[i].op == nullptr) free_slot(i);
            else top_[kept++] = i;
        }
        top_.resize(kept);
        cancelled_ = 0;
        if (out > 1)
            for (std::size_t i = (out - 2) / 4 + 1; i-- > 0;) {
                const entry e = heap_[i];
                sift_down(i, e.hi, e.lo);
            }
    }

    /// The 32-bit sequence ran out: give every entry in the heap (pending, cancelled, or the stale
    /// root of the running event) its rank in the (time, priority, sequence) order as its new
    /// sequence. Order among them is unchanged, so the heap stays a heap; new events follow.
    /// Entries in the buckets and the top are renumbered too, through their slots.
    void renumber() {
        struct ref {
            entry e;
            bool in_heap;
            std::uint32_t at;  // heap index, or slot index
        };
        std::vector<ref> all;
        all.reserve(heap_.size() + live_ + cancelled_);
        entry* const h = heap_.data();
        for (std::size_t i = 0; i < heap_.size(); ++i) all.push_back({h[i], true, static_cast<std::uint32_t>(i)});
        for (std::size_t j = rung_cur_; j < bucket_.size(); ++j)
            for (std::uint32_t i = bucket_[j]; i != none; i = slots_[i].link) all.push_back({entry_of(i), false, i});
        for (const std::uint32_t i : top_) all.push_back({entry_of(i), false, i});
        std::sort(all.begin(), all.end(), [](const ref& x, const ref& y) { return before(x.e, y.e); });
        for (std::size_t r = 0; r < all.size(); ++r) {
            if (all[r].in_heap) {
                entry& e = h[all[r].at];
                e.lo = (static_cast<std::uint64_t>(r) << 32) | slot_of(e);
            } else {
                slots_[all[r].at].seq = static_cast<std::uint32_t>(r);
            }
        }
        seq_ = all.size();
    }

    using index_allocator = detail::big_array_allocator<std::uint32_t>;
    heap_array heap_;
    std::vector<slot, detail::big_array_allocator<slot>> slots_;
    // The rung: bucket j holds keys in [rung_start_ + j 2^rung_shift_, + 2^rung_shift_); buckets
    // below rung_cur_ have gone to the heap, and every key below bottom_end_ belongs in the heap.
    std::vector<std::uint32_t, index_allocator> bucket_;
    std::uint64_t rung_start_ = 0;
    unsigned rung_shift_ = 0;
    std::size_t rung_cur_ = 0;
    u128 bottom_end_ = 0;
    // The top: keys at or past the rung's end, unsorted, with their bounds.
    std::vector<std::uint32_t, index_allocator> top_;  // slot indices
    std::uint64_t top_min_ = ~std::uint64_t{0};
    std::uint64_t top_max_ = 0;
    std::uint32_t free_head_ = none;
    std::size_t live_ = 0;
    std::size_t cancelled_ = 0;
    std::uint64_t seq_ = 0;
    bool root_stale_ = false;
};

} // namespace surge
