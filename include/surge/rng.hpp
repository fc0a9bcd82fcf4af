// surge/rng.hpp — the one random number generator of surge (xoshiro256**) and its named streams:
// the generator of an entity is a pure function of (run seed, entity name), through FNV-1a and
// SplitMix64, so adding an entity never shifts another entity's draws. The distributions that
// draw from it are in surge/random.hpp; docs/random.md gives every algorithm.
#pragma once

#include "surge/hash.hpp"

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace surge {

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

/// The 64-bit seed of the stream called `name` under the run seed `seed`. Streams are keyed by
/// name, never by creation order, so adding an entity does not shift any other entity's draws.
/// The inner mix spreads FNV's weak low bits before they meet the seed; the outer one makes
/// neighbouring seeds unrelated.
constexpr std::uint64_t stream_key(std::uint64_t seed, std::string_view name) noexcept {
    return splitmix64_mix(seed ^ splitmix64_mix(fnv1a_64(name)));
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// xoshiro256** 1.0 (Blackman & Vigna 2018): 256 bits of state, period 2^256 - 1, 64-bit output.
/// Satisfies std::uniform_random_bit_generator, but feed it only to surge's distributions: the
/// standard ones are not reproducible across standard libraries.
class rng {
public:
    using result_type = std::uint64_t;

    /// State words are the first four outputs of SplitMix64 seeded with `seed`.
    constexpr explicit rng(std::uint64_t seed) noexcept {
        splitmix64 sm{seed};
        for (auto& w : s_) w = sm.next();
    }

    /// For known-answer tests against the reference implementation, and to restore a saved state.
    static rng from_state(const std::array<std::uint64_t, 4>& state) {
        if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0)
            throw std::invalid_argument("rng::from_state: state must not be all zero, got 0, 0, 0, 0");
        rng r{0};
        r.s_ = state;
        return r;
    }

    [[nodiscard]] constexpr const std::array<std::uint64_t, 4>& state() const noexcept { return s_; }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    constexpr result_type operator()() noexcept {
        const std::uint64_t result = rotl64(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl64(s_[3], 45);
        return result;
    }

    /// A double in [0, 1): the top 53 bits (xoshiro's low bits are its weakest), so every value is
    /// a multiple of 2^-53 and the conversion is exact.
    constexpr double uniform01() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

    /// A double in (0, 1), for logarithms. Uses 52 bits so that k + 0.5 stays exact: the values
    /// are (k + 0.5) * 2^-52, symmetric about 1/2, from 2^-53 to 1 - 2^-53. (With 53 bits,
    /// k + 0.5 would round, and could reach 1.)
    constexpr double uniform01_open() noexcept {
        return (static_cast<double>((*this)() >> 12) + 0.5) * 0x1.0p-52;
    }

    /// An unbiased integer in [0, n), n > 0: Lemire's multiply-shift (2019), which rejects only
    /// when the low half of the product falls below 2^64 mod n, so usually one output per call.
    std::uint64_t below(std::uint64_t n) {
        if (n == 0) throw std::invalid_argument("rng::below: n must be > 0, got 0");
        __extension__ typedef unsigned __int128 u128;
        u128 m = static_cast<u128>((*this)()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
            while (low < threshold) {
                m = static_cast<u128>((*this)()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

    /// Advances by 2^128 outputs (the published jump polynomial): 2^128 non-overlapping
    /// subsequences for when one stream must be split in parts.
    constexpr void jump() noexcept {
        constexpr std::uint64_t poly[] = {0x180ec6d33cfd0abau, 0xd5a61266f0c9392cu,
                                          0xa9582618e03fc9aau, 0x39abdc4529b1661cu};
        std::array<std::uint64_t, 4> acc{};
        for (const std::uint64_t word : poly) {
            for (int b = 0; b < 64; ++b) {
                if (word & (std::uint64_t{1} << b))
                    for (std::size_t i = 0; i < 4; ++i) acc[i] ^= s_[i];
                (*this)();
            }
        }
        s_ = acc;
    }

    friend constexpr bool operator==(const rng&, const rng&) noexcept = default;

private:
    std::array<std::uint64_t, 4> s_{};
};

/// The generator for the entity `name` in a run seeded with `seed`. Name streams hierarchically
/// ("user/17/think", "db/query") so names stay stable as a model grows.
inline rng make_stream(std::uint64_t seed, std::string_view name) { return rng{stream_key(seed, name)}; }

} // namespace surge
