// surge/detail/event_queue_check.hpp — event_queue::check_invariants(): everything the queue's
// speed relies on, verified the slow and obvious way, so that a test can run it after every
// operation of a random workload and name the first invariant a change breaks.
#pragma once

#include "surge/event_queue.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace surge {

inline std::string event_queue::invariant_violation() const {
    using std::to_string;
    const std::size_t n_slots = slots_.size();
    const std::size_t n_heap = heap_.size();
    const auto slot_name = [](std::uint32_t i) { return "slot " + to_string(i); };

    if (root_stale_ && n_heap == 0) return "the running event's stale root is flagged, but the heap is empty";
    if (seq_ > max_seq + 1) return "the next sequence " + to_string(seq_) + " is beyond 2^32";
    if (rung_shift_ > 63) return "the rung's bucket width 2^" + to_string(rung_shift_) + " is beyond 2^63";
    if (rung_cur_ > bucket_.size())
        return "the rung's cursor " + to_string(rung_cur_) + " is past its " + to_string(bucket_.size()) + " buckets";

    // Heap order (4-ary: the parent of i is (i - 1) / 4), and every heap key below the end of the
    // buckets already moved into the heap.
    for (std::size_t i = 0; i < n_heap; ++i) {
        const entry& e = heap_[i];
        if (i > 0 && before(e, heap_[(i - 1) / 4]))
            return "heap order: entry " + to_string(i) + " sorts before its parent " + to_string((i - 1) / 4);
        if (slot_of(e) >= n_slots)
            return "heap entry " + to_string(i) + " names " + slot_name(slot_of(e)) + ", beyond the pool of " +
                   to_string(n_slots);
        if ((e.lo >> 32) >= seq_)
            return "heap entry " + to_string(i) + " has sequence " + to_string(e.lo >> 32) +
                   ", not below the next sequence " + to_string(seq_);
        if (static_cast<u128>(e.hi) >= bottom_end_)
            return "heap entry " + to_string(i) + " has a key at or past the end of the buckets moved to the heap";
    }

    // Every slot is in exactly one place: the heap (the stale root excepted: its slot was freed
    // when its event ran), a bucket at or after the cursor, the top, or the free list.
    enum place : std::uint8_t { nowhere, in_heap, in_bucket, in_top, in_free_list };
    static constexpr const char* place_name[] = {"nowhere", "the heap", "a bucket", "the top", "the free list"};
    std::vector<std::uint8_t> where(n_slots, nowhere);
    std::size_t live = 0;
    std::size_t cancelled = 0;
    std::string broken;
    const auto claim = [&](std::uint32_t i, place p) {
        if (i >= n_slots) {
            broken = std::string(place_name[p]) + " names " + slot_name(i) + ", beyond the pool of " + to_string(n_slots);
            return false;
        }
        if (where[i] != nowhere) {
            broken = slot_name(i) + " is both in " + place_name[where[i]] + " and in " + place_name[p] +
                     (where[i] == p ? " (a cycle or a duplicate)" : "");
            return false;
        }
        where[i] = p;
        if (p != in_free_list) ++(slots_[i].op != nullptr ? live : cancelled);
        return true;
    };
    const auto check_sequence = [&](std::uint32_t i) {
        if (slots_[i].seq >= seq_)
            broken = slot_name(i) + " has sequence " + to_string(slots_[i].seq) + ", not below the next sequence " +
                     to_string(seq_);
        return broken.empty();
    };
    for (std::size_t i = root_stale_ ? 1 : 0; i < n_heap; ++i)
        if (!claim(slot_of(heap_[i]), in_heap)) return broken;

    // The rung: bucket j holds the keys of [rung_start_ + j 2^shift, + 2^shift), all at or past
    // bottom_end_; the buckets before the cursor were moved into the heap and are empty.
    for (std::size_t j = 0; j < bucket_.size(); ++j) {
        if (j < rung_cur_) {
            if (bucket_[j] != none)
                return "bucket " + to_string(j) + " is before the rung's cursor " + to_string(rung_cur_) + " but not empty";
            continue;
        }
        for (std::uint32_t i = bucket_[j]; i != none; i = slots_[i].link) {
            if (!claim(i, in_bucket) || !check_sequence(i)) return broken;
            const std::uint64_t key = slots_[i].hi;
            if (key < rung_start_ || ((key - rung_start_) >> rung_shift_) != j)
                return slot_name(i) + " sits in bucket " + to_string(j) + " but its key belongs outside it";
            if (static_cast<u128>(key) < bottom_end_)
                return slot_name(i) + " in bucket " + to_string(j) + " has a key below the end of the heap's range";
        }
    }

    // The top: keys at or past the rung's end, within [top_min_, top_max_].
    const u128 rung_end = static_cast<u128>(rung_start_) + (static_cast<u128>(bucket_.size()) << rung_shift_);
    for (const std::uint32_t i : top_) {
        if (!claim(i, in_top) || !check_sequence(i)) return broken;
        const std::uint64_t key = slots_[i].hi;
        if (static_cast<u128>(key) < rung_end) return slot_name(i) + " is in the top but its key lies within the rung";
        if (key < top_min_ || key > top_max_) return slot_name(i) + " is in the top but its key is outside the top's bounds";
    }

    for (std::uint32_t i = free_head_; i != none; i = slots_[i].link) {
        if (!claim(i, in_free_list)) return broken;
        if (slots_[i].op != nullptr) return "free " + slot_name(i) + " still holds a callback";
    }
    for (std::uint32_t i = 0; i < n_slots; ++i)
        if (where[i] == nowhere) return slot_name(i) + " is lost: in no tier and not in the free list";

    if (live != live_)
        return "the live count is " + to_string(live_) + " but " + to_string(live) + " pending slots hold a callback";
    if (cancelled != cancelled_)
        return "the cancelled count is " + to_string(cancelled_) + " but " + to_string(cancelled) +
               " pending slots are cancelled";
    return {};
}

inline void event_queue::check_invariants() const {
    std::string broken = invariant_violation();
    if (!broken.empty()) throw std::logic_error("surge::event_queue invariant broken: " + broken);
}

} // namespace surge
