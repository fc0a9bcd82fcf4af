// sim/input_file.hpp — the one way surge reads an input file (scenario, suite member, protocol
// file, report for `surge diff`/--compare, golden file): bounded. At most limit + 1 bytes are
// read, so /dev/zero, a pipe or a FIFO ends in a clear error naming the file and the limit rather
// than in std::bad_alloc; the size a stat() reports is never trusted.
//
// The limit (default 64 MiB) is raised with the environment variable SURGE_MAX_INPUT_BYTES (a byte
// count, or a size like "512MiB"); docs/scenarios.md, "Limits".
#pragma once

#include <sim/load/json_text.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace surge::sim {

inline constexpr std::size_t default_max_input_bytes = std::size_t{64} << 20;
inline constexpr const char* max_input_env = "SURGE_MAX_INPUT_BYTES";

/// Parses a SURGE_MAX_INPUT_BYTES value: a positive byte count, optionally with a unit KiB, MiB,
/// GiB (1024-based) or KB, MB, GB (1000-based). Throws input_error naming the variable.
inline std::size_t parse_input_limit(std::string_view text) {
    const auto bad = [&]() -> std::size_t {
        throw input_error(std::string(max_input_env) + "=" + load_detail::quote_prefix(text) +
                          ": expected a positive number of bytes, e.g. 134217728 or 128MiB");
    };
    std::uint64_t n = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), n);
    if (res.ec != std::errc{} || n == 0) return bad();
    const std::string_view unit(res.ptr, static_cast<std::size_t>(text.data() + text.size() - res.ptr));
    std::uint64_t scale = 1;
    if (unit.empty() || unit == "B") scale = 1;
    else if (unit == "KiB") scale = 1ULL << 10;
    else if (unit == "MiB") scale = 1ULL << 20;
    else if (unit == "GiB") scale = 1ULL << 30;
    else if (unit == "KB" || unit == "kB") scale = 1'000;
    else if (unit == "MB") scale = 1'000'000;
    else if (unit == "GB") scale = 1'000'000'000;
    else return bad();
    if (n > (std::uint64_t{1} << 62) / scale) return bad();
    return static_cast<std::size_t>(n * scale);
}

/// The input size limit: SURGE_MAX_INPUT_BYTES if set, else 64 MiB.
inline std::size_t max_input_bytes() {
    const char* env = std::getenv(max_input_env);
    if (env == nullptr || *env == '\0') return default_max_input_bytes;
    return parse_input_limit(env);
}

/// "64 MiB (67108864 bytes)" or "1000 bytes".
inline std::string describe_bytes(std::size_t n) {
    if (n >= (std::size_t{1} << 20) && n % (std::size_t{1} << 20) == 0)
        return std::to_string(n >> 20) + " MiB (" + std::to_string(n) + " bytes)";
    return std::to_string(n) + " bytes";
}

/// The whole of `path`, if it holds at most `limit` bytes. Throws input_error "PATH: cannot read:
/// REASON" or "PATH: larger than the input size limit of N bytes; ...".
inline std::string read_text_file(const std::string& path, std::size_t limit) {
    const auto cannot = [&](int err) -> std::string { throw input_error(path + ": cannot read: " + std::strerror(err)); };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return cannot(errno);
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } guard{fd};
    std::string text;
    try {
        char chunk[1 << 16];
        while (text.size() <= limit) {
            const std::size_t want = std::min(sizeof chunk, limit + 1 - text.size());
            const ::ssize_t got = ::read(fd, chunk, want);
            if (got < 0) {
                if (errno == EINTR) continue;
                return cannot(errno);
            }
            if (got == 0) return text;
            text.append(chunk, static_cast<std::size_t>(got));
        }
    } catch (const std::bad_alloc&) {
        throw input_error(path + ": cannot read: out of memory after " + std::to_string(text.size()) +
                          " bytes (the input size limit is " + describe_bytes(limit) + ")");
    }
    throw input_error(path + ": larger than the input size limit of " + describe_bytes(limit) + "; set " +
                      max_input_env + " (e.g. " + max_input_env + "=256MiB) to raise it");
}

/// The same with the limit from SURGE_MAX_INPUT_BYTES (default 64 MiB).
inline std::string read_text_file(const std::string& path) { return read_text_file(path, max_input_bytes()); }

} // namespace surge::sim
