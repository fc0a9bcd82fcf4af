// surge/trace.hpp — the fingerprint of a run: canonical event records folded into a 64-bit trace
// hash, and an optional JSON-lines writer for the same records.
//
// Two kinds of record feed the hash:
//  - kernel records: every executed event's (time, priority|sequence key), added by the simulation
//    loop, so any change in what happens when — or in what order — changes the hash;
//  - model records: (time, kind, entity, a, b) written by models at meaningful points
//    ("deliver", user 17, latency ns, size), which also go to the JSON-lines writer if one is set.
// The hash is MurmurHash3's x64 block step applied to each 64-bit word, finished with its fmix64
// over the word count. Only integers go in: a record never depends on floating point or pointers.
#pragma once

#include "surge/hash.hpp"
#include "surge/time.hpp"

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>

namespace surge {

/// MurmurHash3 x64-style streaming hash over 64-bit words.
class trace_hash {
public:
    constexpr void add(std::uint64_t w) noexcept {
        w *= c1;
        w = rotl64(w, 31);
        w *= c2;
        h_ ^= w;
        h_ = rotl64(h_, 27) * 5 + 0x52dce729;
        ++words_;
    }
    [[nodiscard]] constexpr std::uint64_t value() const noexcept { return fmix(h_ ^ words_); }
    [[nodiscard]] constexpr std::uint64_t words() const noexcept { return words_; }

    /// FNV-1a 64 of a string: how kinds and names enter the hash.
    static constexpr std::uint64_t of(std::string_view s) noexcept { return fnv1a_64(s); }

private:
    static constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL;
    static constexpr std::uint64_t c2 = 0x4cf5ad432745937fULL;
    static constexpr std::uint64_t fmix(std::uint64_t k) noexcept {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdULL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53ULL;
        k ^= k >> 33;
        return k;
    }
    std::uint64_t h_ = 0x5375726765ULL;  // "Surge"
    std::uint64_t words_ = 0;
};

/// 16 lower-case hex digits, the form reports use.
inline std::string to_hex(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

class trace {
public:
    /// Folds an executed kernel event into the hash (called by simulation for every event).
    void kernel_event(time_point t, std::uint64_t key) noexcept {
        if (!hashing_) return;
        hash_.add(static_cast<std::uint64_t>(t.count()));
        hash_.add(key);
    }

    /// A model-level record: folded into the hash and, if a writer is attached, written as
    /// {"t":ns,"kind":"...","entity":n,"a":n,"b":n}.
    void record(time_point t, std::string_view kind, std::uint64_t entity, std::int64_t a = 0, std::int64_t b = 0) {
        ++records_;
        if (hashing_) {
            hash_.add(static_cast<std::uint64_t>(t.count()));
            hash_.add(trace_hash::of(kind));
            hash_.add(entity);
            hash_.add(static_cast<std::uint64_t>(a));
            hash_.add(static_cast<std::uint64_t>(b));
        }
        if (out_ != nullptr) {
            *out_ << "{\"t\":" << t.count() << ",\"kind\":\"";
            write_escaped(kind);
            *out_ << "\",\"entity\":" << entity << ",\"a\":" << a << ",\"b\":" << b << "}\n";
        }
    }

    /// Sends model records to `os` as JSON lines (nullptr stops writing). The stream must outlive
    /// the run or the next call.
    void write_to(std::ostream* os) noexcept { out_ = os; }

    /// Turning hashing off makes the hash meaningless; benchmarks of raw kernel speed may do it.
    void set_hashing(bool on) noexcept { hashing_ = on; }

    [[nodiscard]] std::uint64_t hash() const noexcept { return hash_.value(); }
    [[nodiscard]] std::string hash_hex() const { return to_hex(hash_.value()); }
    [[nodiscard]] std::uint64_t records() const noexcept { return records_; }

private:
    void write_escaped(std::string_view s) {
        for (char c : s) {
            if (c == '"' || c == '\\') {
                *out_ << '\\' << c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                *out_ << buf;
            } else {
                *out_ << c;
            }
        }
    }

    trace_hash hash_;
    std::ostream* out_ = nullptr;
    std::uint64_t records_ = 0;
    bool hashing_ = true;
};

} // namespace surge
