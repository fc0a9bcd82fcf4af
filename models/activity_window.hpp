// models/activity_window.hpp — the span of virtual time in which something happened. The meters'
// throughputs are counts over it, so a test that sends 1 000 notifications in 3 s of a 60 s
// scenario reports their rate, not 1000/60.
#pragma once

#include <surge/time.hpp>

namespace surge::models {

struct activity_window {
    bool seen = false;
    time_point first{}, last{};
    void note(time_point t) noexcept {
        if (!seen) first = t;
        seen = true;
        last = t;
    }
    /// count / span; count / fallback_seconds when the span is empty.
    [[nodiscard]] double rate(double count, double fallback_seconds) const noexcept {
        const double span = seen ? (last - first).seconds_f() : 0.0;
        if (span > 0) return count / span;
        return fallback_seconds > 0 ? count / fallback_seconds : 0.0;
    }
};

} // namespace surge::models
