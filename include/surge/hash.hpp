// surge/hash.hpp — the kernel's integer hashing, written once: SplitMix64 (seeds and mixing),
// FNV-1a over names (stream names in surge/rng.hpp, record kinds in surge/trace.hpp) and a 64-bit
// rotation. Their values are fixed by specification: goldens depend on them.
#pragma once

#include <cstdint>
#include <string_view>

namespace surge {

/// x rotated left by r bits, 0 < r < 64.
constexpr std::uint64_t rotl64(std::uint64_t x, int r) noexcept { return (x << r) | (x >> (64 - r)); }

/// SplitMix64 (Steele, Lea & Flood 2014, as in Vigna's splitmix64.c). Used to expand a 64-bit seed
/// into xoshiro's 256-bit state: its outputs are a bijection of a counter, so four consecutive
/// outputs are never all zero (the one state xoshiro must avoid).
class splitmix64 {
public:
    constexpr explicit splitmix64(std::uint64_t seed) noexcept : state_(seed) {}

    constexpr std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t state_;
};

/// The first output of SplitMix64 seeded with x: a cheap bijective 64-bit mixer.
constexpr std::uint64_t splitmix64_mix(std::uint64_t x) noexcept { return splitmix64{x}.next(); }

/// FNV-1a, 64-bit, over the bytes of s. Chosen over std::hash because its value is fixed by
/// specification, so a stream's name means the same thing on every platform and in every release.
constexpr std::uint64_t fnv1a_64(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325u;
    for (const char c : s) {
        h ^= static_cast<std::uint64_t>(static_cast<unsigned char>(c));
        h *= 0x100000001b3u;
    }
    return h;
}

} // namespace surge
