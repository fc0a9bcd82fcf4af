// tools/replay/server_figures.hpp — what `surge replay --server-metrics` makes of the scrapes of a
// server's Prometheus endpoint (server_metrics.hpp does the HTTP): the values of interest of one
// exposition and the run's figures from all of them. Pure (no Beast), so that the report and the
// unit tests (tests/live/test_prometheus_text.cpp) do without the network code.
#pragma once

#include "prometheus_text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace surge::replay {

/// What the report takes from the scrapes (add_live_metrics); unset: not measured.
struct server_figures {
    std::optional<double> cpu_seconds;       // process_cpu_seconds_total, last - first scrape
    std::optional<double> cpu_utilization;   // cpu_seconds / wall seconds between those scrapes
    std::optional<double> event_loop_lag_p99, event_loop_lag_max;  // seconds, over the scrapes after the first
    std::optional<double> queue_max;         // the queue gauge, the largest value scraped
    std::size_t scrapes = 0;                 // successful ones
    std::vector<std::string> warnings;
};

/// One scrape's values of interest.
struct server_scrape {
    std::int64_t at_ns = 0;  // steady clock, when the answer was read
    std::optional<double> cpu_seconds, lag, lag_max, lag_p99, queue;
};

/// The figures of a run from its scrapes in time order (pure: tested without a server). The first
/// scrape is the baseline: the lag gauges it reads cover the time before the run.
inline server_figures summarise_scrapes(const std::vector<server_scrape>& scrapes) {
    server_figures f;
    f.scrapes = scrapes.size();
    const server_scrape* first = nullptr;
    const server_scrape* last = nullptr;
    for (const auto& s : scrapes)
        if (s.cpu_seconds) {
            if (!first) first = &s;
            last = &s;
        }
    if (first && last != first && last->at_ns > first->at_ns) {
        f.cpu_seconds = std::max(0.0, *last->cpu_seconds - *first->cpu_seconds);
        f.cpu_utilization = *f.cpu_seconds / (static_cast<double>(last->at_ns - first->at_ns) * 1e-9);
    }
    const auto keep_max = [](std::optional<double>& into, const std::optional<double>& v) {
        if (v) into = into ? std::max(*into, *v) : *v;
    };
    for (std::size_t i = 1; i < scrapes.size(); ++i) {
        keep_max(f.event_loop_lag_max, scrapes[i].lag_max ? scrapes[i].lag_max : scrapes[i].lag);
        keep_max(f.event_loop_lag_p99, scrapes[i].lag_p99);
    }
    for (const auto& s : scrapes) keep_max(f.queue_max, s.queue);
    return f;
}

/// The values of interest of one exposition.
inline server_scrape read_scrape(const prom_text& t, const std::string& queue_metric) {
    server_scrape s;
    s.cpu_seconds = t.sum("process_cpu_seconds_total");
    s.lag = t.max("nodejs_eventloop_lag_seconds");
    s.lag_max = t.max("nodejs_eventloop_lag_max_seconds");
    s.lag_p99 = t.max("nodejs_eventloop_lag_p99_seconds");
    if (!queue_metric.empty()) s.queue = t.sum(queue_metric);
    return s;
}

} // namespace surge::replay
