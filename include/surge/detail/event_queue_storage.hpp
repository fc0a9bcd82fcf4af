// surge/detail/event_queue_storage.hpp — the memory the event queue keeps its events in: an
// allocator that asks for transparent huge pages for the big arrays, and the heap's array of
// 16-byte entries laid out so that the four children of a node share one cache line.
// See surge/event_queue.hpp for how the queue uses them.
#pragma once

#include "surge/config.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#ifdef SURGE_HAS_MADVISE
#include <sys/mman.h>
#endif

namespace surge::detail {

/// Allocator for the event queue's large arrays (the slot pool, the rung, the top). Blocks of
/// 2 MiB and more are aligned to 2 MiB and, on Linux, marked MADV_HUGEPAGE, so that transparent
/// huge pages back their whole 2 MiB pages where the system allows it (the common "madvise"
/// mode). A million pending events spread over ~56 MB that is read in time order, i.e. at
/// random: with 4 KiB pages nearly every such access also misses the TLB, and a page walk under
/// virtualisation is itself several memory accesses (BM_Hold/1048576: 330 -> 235 ns per event).
/// It is advice only: where huge pages are off or unavailable, the memory is ordinary memory.
template <class T>
struct big_array_allocator {
    using value_type = T;
    static constexpr std::size_t huge_page = std::size_t{1} << 21;

    big_array_allocator() = default;
    template <class U>
    constexpr big_array_allocator(const big_array_allocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
        if (n > static_cast<std::size_t>(-1) / 2 / sizeof(T)) throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
        if (bytes < huge_page) return static_cast<T*>(::operator new(bytes));
        void* p = ::operator new(bytes, std::align_val_t{huge_page});
#ifdef SURGE_HAS_MADVISE
        (void)::madvise(p, bytes, MADV_HUGEPAGE);  // advice: a refusal leaves ordinary pages
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n * sizeof(T) < huge_page) ::operator delete(p);
        else ::operator delete(p, std::align_val_t{huge_page});
    }
    template <class U>
    friend constexpr bool operator==(const big_array_allocator&, const big_array_allocator<U>&) noexcept { return true; }
};

/// One event in the queue's heap, compared as one 128-bit integer (hi, lo).
struct heap_entry {
    std::uint64_t hi;  // (time + 2^55) << 8 | (priority + 128)
    std::uint64_t lo;  // sequence << 32 | slot
};
static_assert(sizeof(heap_entry) == 16);

// The heap's array: element 0 sits 48 bytes into a 64-byte line, so that the children of any
// node (4i+1 .. 4i+4) fill exactly one line.
class heap_array {
public:
    heap_array() = default;
    heap_array(const heap_array&) = delete;
    heap_array& operator=(const heap_array&) = delete;
    ~heap_array() { release(); }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
    heap_entry* data() noexcept { return data_; }
    const heap_entry* data() const noexcept { return data_; }
    heap_entry& operator[](std::size_t i) noexcept { return data_[i]; }
    const heap_entry& operator[](std::size_t i) const noexcept { return data_[i]; }
    void push_back(const heap_entry& e) {
        if (size_ == cap_) grow(cap_ == 0 ? 64 : 2 * cap_);
        data_[size_++] = e;
    }
    void pop_back() noexcept { --size_; }
    void resize_down(std::size_t n) noexcept { size_ = n; }
    void clear() noexcept { size_ = 0; }
    void reserve(std::size_t n) { if (n > cap_) grow(std::max({n, 2 * cap_, std::size_t{64}})); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept { return cap_ == 0 ? 0 : (cap_ + lead) * sizeof(heap_entry); }

private:
    static constexpr std::size_t lead = 3;  // entries before element 0 in the allocation
    static constexpr std::align_val_t line{64};
    void grow(std::size_t cap) {
        auto* raw = static_cast<heap_entry*>(::operator new((cap + lead) * sizeof(heap_entry), line));
        if (size_ != 0) std::memcpy(raw + lead, data_, size_ * sizeof(heap_entry));
        release();
        data_ = raw + lead;
        cap_ = cap;
    }
    void release() noexcept {
        if (data_ != nullptr) ::operator delete(data_ - lead, line);
        data_ = nullptr;
    }
    heap_entry* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t cap_ = 0;
};

} // namespace surge::detail
