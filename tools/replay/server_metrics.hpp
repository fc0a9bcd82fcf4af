// tools/replay/server_metrics.hpp — `surge replay --server-metrics URL`: the server's own figures,
// scraped from its Prometheus endpoint (text exposition format, prometheus_text.hpp) by plain
// HTTP GET on Beast, once before the load starts, once a second on a thread of its own while the
// run goes on, and once after it ended. What the report gets (server_figures, docs/replay.md):
// the process CPU seconds used between the first and the last scrape (process_cpu_seconds_total),
// that over the wall time between them, the event loop's lag (the prom-client gauges
// nodejs_eventloop_lag_{max,p99}_seconds, else nodejs_eventloop_lag_seconds), and the largest
// value of a queue gauge (--server-queue-metric). A scrape that fails is a warning in the report,
// never a failed run. Header values (--header) are not sent to this endpoint.
#pragma once

#include "server_figures.hpp"
#include "target.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace surge::replay {

class server_metrics_scraper {
public:
    /// `url`: http://host[:port][/path] (the path defaults to /metrics). Throws target_error for a
    /// URL that is not plain http or not on loopback / the target's host without `allow_remote`.
    server_metrics_scraper(const std::string& url, const target_url& target, bool allow_remote, std::string queue_metric,
                           std::chrono::milliseconds interval = std::chrono::seconds(1),
                           std::chrono::milliseconds timeout = std::chrono::seconds(2))
        : queue_metric_(std::move(queue_metric)), interval_(interval), timeout_(timeout) {
        if (url.rfind("http://", 0) != 0) throw target_error("--server-metrics: expected an http:// URL (plain HTTP)");
        try {
            url_ = parse_target_url(url);
        } catch (const target_error& e) {
            std::string m = e.what();
            if (m.rfind("--target", 0) == 0) m.replace(0, 8, "--server-metrics");
            throw target_error(m);
        }
        path_ = url_.base_path.empty() ? "/metrics" : url_.base_path;
        boost::asio::io_context io;
        boost::asio::ip::tcp::resolver resolver(io);
        boost::beast::error_code ec;
        endpoints_ = resolver.resolve(url_.host, std::to_string(url_.port), ec);
        if (ec || endpoints_.empty()) throw target_error("--server-metrics: cannot resolve host \"" + url_.host + "\": " + ec.message());
        bool remote = false;
        for (const auto& e : endpoints_)
            if (!is_loopback(e.endpoint().address())) remote = true;
        if (remote && url_.host != target.host && !allow_remote)
            throw target_error("--server-metrics: " + url_.host_header() + " is neither on this machine (loopback) nor the target's host: "
                               "pass --yes if you mean it");
    }
    server_metrics_scraper(const server_metrics_scraper&) = delete;
    server_metrics_scraper& operator=(const server_metrics_scraper&) = delete;
    ~server_metrics_scraper() { stop_thread(); }

    /// The baseline scrape (at once, on this thread), then one every interval on a thread.
    void start() {
        scrape_once();
        thread_ = std::thread([this] {
            std::unique_lock lock(mutex_);
            while (!stopping_) {
                if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
                lock.unlock();
                scrape_once();
                lock.lock();
            }
        });
    }

    /// Stops the periodic scrapes and takes the last one (on this thread).
    void finish() {
        stop_thread();
        scrape_once();
    }

    [[nodiscard]] server_figures figures() const {
        std::lock_guard lock(results_mutex_);
        auto f = summarise_scrapes(scrapes_);
        f.warnings = warnings_;
        if (failures_ > 0)
            f.warnings.push_back("--server-metrics: " + std::to_string(failures_) + " of " + std::to_string(failures_ + scrapes_.size()) +
                                 " scrapes of " + url_.origin() + path_ + " failed (first: " + first_failure_ + ")");
        if (!scrapes_.empty() && !f.cpu_seconds)
            f.warnings.push_back("--server-metrics: no process_cpu_seconds_total in two scrapes: no server CPU figures");
        return f;
    }

private:
    void stop_thread() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    void scrape_once() {
        std::string body, error;
        if (!get(body, error)) {
            std::lock_guard lock(results_mutex_);
            if (failures_++ == 0) first_failure_ = error;
            return;
        }
        const auto text = parse_prometheus_text(body);
        auto s = read_scrape(text, queue_metric_);
        s.at_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
        std::lock_guard lock(results_mutex_);
        if ((text.malformed_lines > 0 || text.truncated) && !warned_malformed_) {
            warned_malformed_ = true;
            warnings_.push_back("--server-metrics: " + std::to_string(text.malformed_lines) + " malformed lines ignored" +
                                (text.truncated ? " and the answer cut at 8 MiB" : "") +
                                (text.errors.empty() ? std::string() : " (" + text.errors.front() + ")"));
        }
        scrapes_.push_back(s);
    }

    /// One GET within the timeout: the body of a 200 answer, else false and why.
    bool get(std::string& body, std::string& error) {
        namespace beast = boost::beast;
        namespace http = beast::http;
        boost::asio::io_context io;
        beast::tcp_stream stream(io);
        http::request<http::empty_body> req{http::verb::get, path_, 11};
        req.set(http::field::host, url_.host_header());
        req.set(http::field::user_agent, "surge");
        req.set(http::field::accept, "text/plain;version=0.0.4");
        req.set(http::field::connection, "close");
        beast::flat_buffer buf;
        http::response_parser<http::string_body> parser;
        parser.body_limit(8u << 20);
        beast::error_code result;
        stream.expires_after(timeout_);
        stream.async_connect(endpoints_, [&](beast::error_code ec, const boost::asio::ip::tcp::endpoint&) {
            if (ec) {
                result = ec;
                error = "connect: " + ec.message();
                return;
            }
            http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
                if (wec) {
                    result = wec;
                    error = "request: " + wec.message();
                    return;
                }
                http::async_read(stream, buf, parser, [&](beast::error_code rec, std::size_t) {
                    if (rec) {
                        result = rec;
                        error = "response: " + rec.message();
                    }
                });
            });
        });
        io.run();
        beast::error_code ignored;
        stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        if (result) return false;
        const auto& res = parser.get();
        if (res.result() != http::status::ok) {
            error = "HTTP " + std::to_string(res.result_int());
            return false;
        }
        body = res.body();
        return true;
    }

    target_url url_;
    std::string path_;
    boost::asio::ip::tcp::resolver::results_type endpoints_;
    std::string queue_metric_;
    std::chrono::milliseconds interval_, timeout_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    mutable std::mutex results_mutex_;
    std::vector<server_scrape> scrapes_;
    std::vector<std::string> warnings_;
    std::size_t failures_ = 0;
    std::string first_failure_;
    bool warned_malformed_ = false;
};

} // namespace surge::replay
