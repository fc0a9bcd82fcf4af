// models/metric_catalogue.hpp, the one table of report metrics, against everything derived from
// or checked by it: a metric's name occurs in no other source file; docs/report.md's metric tables
// list the catalogue (names, units, areas); the models emit in catalogue order with catalogue
// units; the summary's rows, the diff directions, the threshold units and the live replay's modes
// come from its entries. (The schema's threshold names: test_schema.cpp.)
#include <boost/test/unit_test.hpp>

#include <models/metric_catalogue.hpp>
#include <models/metrics.hpp>
#include <models/recorder.hpp>
#include <sim/metric_direction.hpp>
#include <sim/metric_names.hpp>
#include <sim/report.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace models = surge::models;
namespace sim = surge::sim;

namespace {

const fs::path source_dir{SURGE_SOURCE_DIR};

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// How often `name` occurs in `text` as a whole dotted name: not inside a longer one
/// ("delivery.latency.p99" is not in "delivery.latency.p999" or "x.delivery.latency.p99"), though a
/// sentence's full stop may follow it.
std::size_t occurrences(std::string_view text, std::string_view name) {
    std::size_t n = 0;
    for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
        const std::size_t end = at + name.size();
        const bool starts = at == 0 || (!name_char(text[at - 1]) && text[at - 1] != '.');
        const bool ends = end == text.size() || (!name_char(text[end]) &&
                                                 !(text[end] == '.' && end + 1 < text.size() && name_char(text[end + 1])));
        if (starts && ends) ++n;
    }
    return n;
}

/// The string literals and comments of a C++ source, each followed by a newline: where a metric
/// name would be written as text. Code is left out, so `memory.growth_rate()` (a member call) or
/// `live.protocol_errors` (a field of a struct named live) do not count as names.
std::string literals_and_comments(std::string_view src) {
    std::string out;
    std::size_t i = 0;
    while (i < src.size()) {
        if (src.compare(i, 2, "//") == 0) {
            const std::size_t end = std::min(src.find('\n', i), src.size());
            out.append(src.substr(i + 2, end - i - 2)).push_back('\n');
            i = end;
        } else if (src.compare(i, 2, "/*") == 0) {
            const std::size_t end = std::min(src.find("*/", i + 2), src.size());
            out.append(src.substr(i + 2, end - i - 2)).push_back('\n');
            i = end + 2;
        } else if (src[i] == 'R' && i + 1 < src.size() && src[i + 1] == '"' && (i == 0 || !name_char(src[i - 1]))) {
            const std::size_t open = src.find('(', i + 2);
            const std::string close = ")" + std::string(src.substr(i + 2, open - i - 2)) + "\"";
            const std::size_t end = std::min(src.find(close, open), src.size());
            out.append(src.substr(open + 1, end - open - 1)).push_back('\n');
            i = end + close.size();
        } else if (src[i] == '"' || (src[i] == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(src[i - 1]))))) {
            // A string or character literal (a ' between digits is a digit separator: 10'000).
            const char quote = src[i++];
            while (i < src.size() && src[i] != quote && src[i] != '\n') {
                if (src[i] == '\\') ++i;
                if (i < src.size()) out.push_back(src[i++]);
            }
            out.push_back('\n');
            ++i;
        } else {
            ++i;
        }
    }
    return out;
}

/// A row of one of docs/report.md's metric tables.
struct documented_metric {
    std::string name;
    std::string unit;
    std::string section;   // the first word of the "###" heading above the table
};

/// The metrics of docs/report.md's "## The metrics catalogue" section. A cell may list several
/// names; one that starts with '.' replaces as many trailing parts of the cell's first name
/// ("`operations.latency.mean`, `.p50`" -> operations.latency.p50).
std::vector<documented_metric> documented_metrics() {
    std::istringstream in(read_text(source_dir / "docs" / "report.md"));
    std::vector<documented_metric> out;
    bool inside = false;
    std::string section, line;
    while (std::getline(in, line)) {
        if (line.starts_with("## ")) inside = line == "## The metrics catalogue";
        if (!inside) continue;
        if (line.starts_with("### ")) section = line.substr(4, line.find(' ', 4) - 4);
        if (!line.starts_with("| `")) continue;
        const std::size_t cell_end = line.find(" | ", 2);
        const std::size_t unit_end = line.find(" | ", cell_end + 3);
        BOOST_REQUIRE_MESSAGE(cell_end != std::string::npos && unit_end != std::string::npos, "docs/report.md: " << line);
        const std::string cell = line.substr(2, cell_end - 2);
        const std::string unit = line.substr(cell_end + 3, unit_end - cell_end - 3);
        std::string first;
        for (std::size_t open = cell.find('`'); open != std::string::npos; open = cell.find('`', open + 1)) {
            const std::size_t close = cell.find('`', open + 1);
            BOOST_REQUIRE_MESSAGE(close != std::string::npos, "docs/report.md: unbalanced ` in " << line);
            std::string name = cell.substr(open + 1, close - open - 1);
            open = close;
            if (name.starts_with('.')) {
                BOOST_REQUIRE_MESSAGE(!first.empty(), "docs/report.md: " << name << " has no full name before it");
                std::string base = first;
                for (auto parts = std::count(name.begin(), name.end(), '.'); parts > 0; --parts) base.resize(base.rfind('.'));
                name = base + name;
            } else if (first.empty()) {
                first = name;
            }
            out.push_back({name, unit, section});
        }
    }
    return out;
}

/// Every *.hpp and *.cpp under the source directories of the four layers.
std::vector<fs::path> source_files() {
    std::vector<fs::path> out;
    for (const char* dir : {"include", "models", "sim", "tools"})
        for (const auto& e : fs::recursive_directory_iterator(source_dir / dir))
            if (e.is_regular_file() && (e.path().extension() == ".hpp" || e.path().extension() == ".cpp"))
                out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(catalogue_tests)

BOOST_AUTO_TEST_CASE(the_scanner_finds_whole_names_only) {
    BOOST_TEST(occurrences("m.set(\"delivery.latency.p99\", v)", "delivery.latency.p99") == 1u);
    BOOST_TEST(occurrences("on delivery.latency.p99.", "delivery.latency.p99") == 1u);
    BOOST_TEST(occurrences("\"delivery.latency.p999\"", "delivery.latency.p99") == 0u);
    BOOST_TEST(occurrences("live.delivery.latency.p99", "delivery.latency.p99") == 0u);
    BOOST_TEST(occurrences("delivery.latency.p99.extra", "delivery.latency.p99") == 0u);
    BOOST_TEST(occurrences("a.b a.b", "a.b") == 2u);
    // Only literals and comments are text; code is not.
    const std::string src = "x = memory.growth_rate(); // on a.b.c\n"
                            "f(\"q.r \\\" s.t\", 'u', 10'000); /* v.w */ g(R\"(y.z)\");\n";
    BOOST_TEST(literals_and_comments(src) == " on a.b.c\nq.r \" s.t\nu\n v.w \ny.z\n");
    BOOST_TEST(occurrences(literals_and_comments(src), "memory.growth_rate") == 0u);
}

// The point of the catalogue: a metric's name is written once, in its string literals and
// comments. Emission, live metrics, the host's simulator.* metric and examples in messages refer to
// entries by metric_id; comments say "the p99 latency", not the name.
BOOST_AUTO_TEST_CASE(every_name_occurs_only_in_the_catalogue_header) {
    const fs::path catalogue = source_dir / "models" / "metric_catalogue.hpp";
    const auto files = source_files();
    BOOST_TEST(files.size() > 20u);   // the scan did find the sources
    BOOST_TEST((std::find(files.begin(), files.end(), catalogue) != files.end()));
    for (const auto& file : files) {
        const std::string text = literals_and_comments(read_text(file));
        for (const auto& m : models::metric_catalogue_entries) {
            const std::size_t n = occurrences(text, m.name);
            if (file == catalogue) BOOST_TEST(n == 1u, m.name << " occurs " << n << " times in " << file.filename());
            else BOOST_TEST(n == 0u, m.name << " occurs in " << fs::relative(file, source_dir).generic_string()
                                             << ": refer to models::metric_id instead");
        }
    }
}

BOOST_AUTO_TEST_CASE(docs_report_md_lists_the_catalogue) {
    const auto documented = documented_metrics();
    BOOST_TEST(documented.size() >= models::metric_catalogue_entries.size());
    std::map<std::string, documented_metric> by_name;
    for (const auto& d : documented) {
        BOOST_TEST(by_name.count(d.name) == 0u, d.name << " is documented twice in docs/report.md");
        by_name[d.name] = d;
        BOOST_TEST(models::find_metric(d.name) != nullptr, d.name << " is in docs/report.md but not in the catalogue");
    }
    for (const auto& m : models::metric_catalogue_entries) {
        const auto it = by_name.find(std::string(m.name));
        BOOST_TEST_CONTEXT(m.name) {
            BOOST_TEST((it != by_name.end()), m.name << " [" << m.unit << "] is missing from docs/report.md's metric tables");
            if (it == by_name.end()) continue;
            BOOST_TEST(it->second.unit == m.unit);
            BOOST_TEST(it->second.section == models::group_name(m.group));
        }
    }
}

// The report's order is the catalogue's: a run with every histogram filled emits the catalogue's
// simulation metrics as an ordered subsequence of it, each in its catalogue unit.
BOOST_AUTO_TEST_CASE(the_recorder_emits_in_catalogue_order_and_units) {
    models::recorder rec;
    const auto t0 = surge::time_point::from_ns(0);
    const auto two_ms = surge::duration::milliseconds(2);
    rec.publishing.on_succeeded(t0, two_ms, 2);
    rec.delivery.on_delivered(t0, 2'000'000);
    rec.offline.on_arrived(t0, 2'000'000);
    rec.offline.on_enqueued(t0, 300, 1);
    rec.connections.on_connected(t0, two_ms);
    rec.connections.on_opened(t0);
    rec.messages.on_answered(t0, 2'000'000);
    rec.broadcasts.on_broadcast(t0, 10);
    rec.broadcasts.on_completed(t0, two_ms);
    rec.serving.on_taken(t0 + two_ms, t0);
    rec.db.on_checkout(t0 + two_ms, t0);
    rec.memory.on_notification_created(t0, 500);
    rec.memory.add(t0, models::memory_meter::connections, 4000);
    const auto metrics = rec.to_metrics(surge::time_point::from_ns(10'000'000'000), 10, 4, 0);

    std::size_t previous = 0;
    bool first = true;
    for (const auto& m : metrics.items()) {
        const models::metric_entry* e = models::find_metric(m.name);
        BOOST_REQUIRE_MESSAGE(e != nullptr, m.name << " is not in the catalogue");
        const auto index = static_cast<std::size_t>(e->id);
        BOOST_TEST((first || index > previous), m.name << " is out of catalogue order");
        BOOST_TEST(m.unit == e->unit);
        BOOST_TEST(models::measurable_in(e->modes, models::run_mode::sim));
        previous = index;
        first = false;
    }
    // Everything a simulation can measure is emitted by this run, except the host's figure
    // (sim/system.hpp sets it).
    std::size_t simulated = 0;
    for (const auto& e : models::metric_catalogue_entries)
        if (e.group != models::metric_group::simulator && measurable_in(e.modes, models::run_mode::sim)) ++simulated;
    BOOST_TEST(metrics.size() == simulated);
    BOOST_TEST(*metrics.get(models::metric_of(models::metric_id::memory_bytes_per_queued_message).name) == 300.0);
    BOOST_TEST(*metrics.get(models::metric_of(models::metric_id::delivery_latency_p99).name) == 0.002, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(a_metric_set_by_identifier_takes_the_catalogue_name_and_unit) {
    models::metric_set m;
    m.set(models::metric_id::memory_growth_rate, -12.5);
    m.set(models::metric_id::delivery_success_rate, 0.5);
    m.set(models::metric_id::memory_growth_rate, 3);   // replaces, keeps the position
    BOOST_REQUIRE_EQUAL(m.size(), 2u);
    BOOST_TEST(m.items()[0].name == "memory.growth_rate");
    BOOST_TEST(m.items()[0].unit == "B/s");
    BOOST_TEST(m.items()[0].value == 3.0);
    BOOST_TEST(m.items()[1].name == "delivery.success_rate");
    BOOST_TEST(m.items()[1].unit == "ratio");
}

BOOST_AUTO_TEST_CASE(entries_are_in_identifier_order_with_unique_names) {
    std::set<std::string_view> names;
    std::size_t i = 0;
    for (const auto& e : models::metric_catalogue_entries) {
        BOOST_TEST(static_cast<std::size_t>(e.id) == i++);
        BOOST_TEST(names.insert(e.name).second, e.name << " twice");
        BOOST_TEST(&models::metric_of(e.id) == &e);
        BOOST_TEST(models::find_metric(e.name) == &e);
        BOOST_TEST(e.name.starts_with(std::string(models::group_name(e.group)) + "."));
    }
    BOOST_TEST(models::find_metric("delivery.latency") == nullptr);
    BOOST_TEST(models::find_metric("") == nullptr);
}

BOOST_AUTO_TEST_CASE(units_and_threshold_names_come_from_the_catalogue) {
    BOOST_REQUIRE_EQUAL(sim::known_metrics().size(), models::metric_catalogue_entries.size());
    for (std::size_t i = 0; i < sim::known_metrics().size(); ++i) {
        const auto& e = models::metric_catalogue_entries[i];
        BOOST_TEST(sim::known_metrics()[i] == e.name);
        BOOST_TEST(sim::metric_catalogue()[i].unit == e.unit);
        BOOST_TEST(sim::metric_unit(e.name) == e.unit);
        BOOST_TEST((sim::direction_of(e.name) == e.direction));
    }
    BOOST_TEST(sim::metric_unit("memory.bytes_per_queued_message") == "B");
    BOOST_TEST(sim::metric_unit("memory") == "");
}

// Only the live group is live_only; a live replay cannot see the server's insides or its drop
// decisions (the replay keeps only the metrics measurable live).
BOOST_AUTO_TEST_CASE(modes_say_who_can_measure_a_metric) {
    using models::run_mode;
    for (const auto& e : models::metric_catalogue_entries) {
        BOOST_TEST_CONTEXT(e.name) {
            BOOST_TEST(((e.group == models::metric_group::live) == (e.modes == models::metric_modes::live_only)));
            if (e.group == models::metric_group::server || e.group == models::metric_group::database ||
                e.group == models::metric_group::memory || e.group == models::metric_group::simulator)
                BOOST_TEST(!measurable_in(e.modes, run_mode::live));
            BOOST_TEST((measurable_in(e.modes, run_mode::sim) || measurable_in(e.modes, run_mode::live)));
        }
    }
    const auto modes_of = [](std::string_view name) { return models::find_metric(name)->modes; };
    BOOST_TEST(!measurable_in(modes_of("delivery.expired"), run_mode::live));
    BOOST_TEST(!measurable_in(modes_of("notifications.shed"), run_mode::live));
    BOOST_TEST(measurable_in(modes_of("delivery.latency.p99"), run_mode::live));
    BOOST_TEST(measurable_in(modes_of("delivery.latency.p99"), run_mode::sim));
    BOOST_TEST(!measurable_in(modes_of("live.scheduling_lag.p99"), run_mode::sim));
}

// The summary's rows are the catalogue's summary cells; these are the rows the summary has always
// shown (several values on one row keep their order, which is not always the catalogue's).
BOOST_AUTO_TEST_CASE(summary_rows_come_from_the_catalogue) {
    const auto& groups = sim::report_detail::key_metrics();
    std::vector<std::string> titles;
    for (const auto& g : groups) titles.emplace_back(g.title);
    BOOST_TEST(titles == (std::vector<std::string>{"notifications", "operations", "delivery", "connections", "messages", "broadcast",
                                                   "offline queue", "server", "database", "memory (modelled)"}),
               boost::test_tools::per_element());
    const auto& delivery = groups[2].rows;
    BOOST_REQUIRE_EQUAL(delivery.size(), 7u);
    BOOST_TEST(delivery[0].label == "delivered / attempted");
    using names = std::vector<std::string>;
    BOOST_TEST(delivery[0].metrics == (names{"delivery.delivered", "delivery.attempted"}), boost::test_tools::per_element());
    BOOST_TEST(delivery[3].label == "latency p50 / p90 / p99");
    BOOST_TEST(delivery[3].metrics == (names{"delivery.latency.p50", "delivery.latency.p90", "delivery.latency.p99"}),
               boost::test_tools::per_element());
    BOOST_TEST(delivery[5].label == "lost / dropped (buffer, offline)");
    BOOST_TEST(groups[7].rows[1].label == "queue mean / max");
    BOOST_TEST(groups[7].rows[1].metrics == (names{"server.queue.mean", "server.queue.max"}), boost::test_tools::per_element());
    std::size_t cells = 0, shown = 0;
    for (const auto& g : groups)
        for (const auto& r : g.rows) cells += r.metrics.size();
    for (const auto& e : models::metric_catalogue_entries)
        if (e.summary.row != 0) ++shown;
    BOOST_TEST(cells == shown);
    BOOST_TEST(shown == 75u);
}

// A histogram's statistics come from the catalogue (issue 11): emit_histogram sets exactly the
// entries of the family it is given, in catalogue order, each the statistic its name says.
BOOST_AUTO_TEST_CASE(histogram_statistics_are_emitted_from_the_catalogue) {
    using surge::models::metric_id;
    surge::histogram h;
    for (std::int64_t ms = 1; ms <= 1000; ++ms) h.record(ms * 1'000'000);
    surge::models::metric_set m;
    surge::models::emit_histogram(m, h, metric_id::delivery_latency_mean);
    std::vector<std::string> names;
    for (const auto& x : m.items()) names.push_back(x.name);
    const std::vector<std::string> want{"delivery.latency.mean", "delivery.latency.p50", "delivery.latency.p90",
                                        "delivery.latency.p99", "delivery.latency.p999", "delivery.latency.max"};
    BOOST_TEST(names == want, boost::test_tools::per_element());
    BOOST_TEST(*m.get("delivery.latency.mean") == h.mean() * 1e-9);
    BOOST_TEST(*m.get("delivery.latency.p99") == static_cast<double>(h.percentile(99.0)) * 1e-9);
    BOOST_TEST(*m.get("delivery.latency.max") == 1.0);
    // A smaller family stops at its own end; an empty histogram sets nothing.
    surge::models::metric_set w;
    surge::models::emit_histogram(w, h, metric_id::server_queue_wait_mean);
    for (const auto& x : w.items()) BOOST_TEST(x.name.starts_with("server.queue_wait."), x.name);
    BOOST_TEST(w.size() >= 2u);
    surge::models::metric_set none;
    surge::models::emit_histogram(none, surge::histogram{}, metric_id::delivery_latency_mean);
    BOOST_TEST(none.size() == 0u);
    // Every seconds metric whose last part names a statistic belongs to a family emitted this way,
    // and no other metric is taken for one.
    BOOST_TEST(!surge::models::statistic_of(surge::models::metric_of(metric_id::operations_time_per_notification)));
    BOOST_TEST(!surge::models::statistic_of(surge::models::metric_of(metric_id::delivery_throughput)));
}

BOOST_AUTO_TEST_SUITE_END()
