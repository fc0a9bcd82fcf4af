// sim/html_report.hpp — one self-contained HTML page from one or more JSON reports (`surge report
// A.json [B.json...] -o report.html`, `surge run --html FILE`, `surge suite --html FILE`): the
// verdict and every threshold (measured against its limit), the metrics, and the time series as
// charts with the load phases marked and the fault windows shaded. Given two or more run reports
// (a live run and its simulation, two runs of a scenario), their series are drawn on the same
// axes; a suite report gets one section per test.
//
// The charts are SVG drawn here, inline, with no script: the file works offline from a file://
// URL, needs nothing fetched, and a browser draws 20 series of 2 000 points as fast as any other
// SVG of that size (docs/report.md, "The HTML report", says why not a charting library). Every
// text from a report is escaped (sim/markup_text.hpp). The page depends only on the reports: the
// same reports give the same bytes.
#pragma once

#include <sim/markup_text.hpp>
#include <sim/report.hpp>
#include <sim/report_reader.hpp>

#include <models/metric_catalogue.hpp>
#include <models/metrics.hpp>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace surge::sim {

namespace html_detail {

/// Reports are read in document order (the metrics table follows the report's order).
using json_t = nlohmann::ordered_json;

inline std::string str(const json_t& j, const char* key, std::string fallback = {}) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

/// A metric's value from the report's nested `metrics` object, by dotted name.
inline std::optional<double> metric_value(const json_t& report, std::string_view name) {
    const auto m = report.find("metrics");
    if (m == report.end() || !m->is_object()) return std::nullopt;
    const json_t* node = &*m;
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        const std::string part(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        const auto it = node->find(part);
        if (it == node->end()) return std::nullopt;
        node = &*it;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (!node->is_number()) return std::nullopt;
    return node->get<double>();
}

/// Eight colours that stay apart for the common colour-vision deficiencies (Okabe–Ito).
inline const char* colour(std::size_t i) {
    static constexpr const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    return palette[i % std::size(palette)];
}

/// One line of a chart: values per window of `bin` seconds.
struct line {
    std::string label;
    const json_t* values = nullptr;  // an array of numbers and nulls
    double bin = 1;
    std::size_t style = 0;                   // colour; lines of a second report are dashed
    bool dashed = false;
};

struct shade {
    std::string kind, label;
    double from = 0, to = 0;
};

/// A tick step near range / 5 that is 1, 2 or 5 times a power of ten.
inline double nice_step(double range) {
    const double raw = range / 5;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/// A value for an axis label: the report's humanised text for the unit.
inline std::string tick(double v, std::string_view unit) { return value_text_of(v, unit); }

/// An SVG chart: time on x, `unit` on y from zero, each line a polyline broken at nulls, phases as
/// dashed vertical lines and faults as shaded bands.
inline std::string chart(std::string_view title, std::string_view unit, const std::vector<line>& lines,
                         const std::vector<shade>& shades) {
    constexpr double width = 880, height = 240, left = 78, right = 14, top = 26, bottom = 34;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    double x_max = 0, y_max = 0;
    std::size_t points = 0;
    for (const auto& l : lines) {
        x_max = std::max(x_max, l.bin * static_cast<double>(l.values->size()));
        for (const auto& v : *l.values)
            if (v.is_number() && std::isfinite(v.get<double>())) {
                y_max = std::max(y_max, v.get<double>());
                ++points;
            }
    }
    if (!(x_max > 0)) x_max = 1;
    if (!(y_max > 0)) y_max = 1;
    const double y_step = nice_step(y_max * 1.05);
    y_max = y_step * std::ceil(y_max * 1.05 / y_step);
    // Time ticks in one unit for the whole axis (0, 10, 20 ... min; not 500 s beside 16.7 min).
    const double x_unit = x_max >= 7200 ? 3600 : x_max >= 600 ? 60 : 1;
    const char* x_suffix = x_unit == 3600 ? "h" : x_unit == 60 ? "min" : "s";
    const double x_step = nice_step(x_max / x_unit) * x_unit;
    const auto x_of = [&](double t) { return left + plot_w * t / x_max; };
    const auto y_of = [&](double v) { return top + plot_h * (1 - v / y_max); };

    std::string s = fmt::format(R"(<figure class="chart" data-points="{}"><svg viewBox="0 0 {} {}" role="img" aria-label="{}">)",
                                points, width, height, xml_text(title));
    s += fmt::format(R"(<text x="{}" y="16" class="title">{}</text>)", left, xml_text(title));
    for (const auto& sh : shades) {
        const double a = x_of(std::clamp(sh.from, 0.0, x_max)), b = x_of(std::clamp(sh.to, 0.0, x_max));
        if (sh.kind == "fault")
            s += fmt::format(R"(<rect class="fault" x="{:.1f}" y="{}" width="{:.1f}" height="{}"><title>{}</title></rect>)", a, top,
                             std::max(b - a, 1.5), plot_h, xml_text(sh.label));
        else
            s += fmt::format(R"(<line class="phase" x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}"><title>{3}</title></line>)", a, top,
                             top + plot_h, xml_text(sh.label));
    }
    for (double v = 0; v <= y_max * (1 + 1e-9); v += y_step) {  // y grid and labels
        const double y = y_of(v);
        s += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/><text class="y" x="{}" y="{:.1f}">{}</text>)", left,
                         left + plot_w, y, y, left - 6, y + 4, xml_text(tick(v, unit)));
    }
    for (double t = 0; t <= x_max * (1 + 1e-9); t += x_step) {  // x labels, seconds
        s += fmt::format(R"(<text class="x" x="{:.1f}" y="{}">{:g} {}</text>)", x_of(t), height - 12, t / x_unit, x_suffix);
    }
    for (const auto& l : lines) {
        std::string pts;
        std::size_t in_run = 0;  // points in the current run of measured windows
        double last_x = 0, last_y = 0;
        const auto flush = [&] {
            if (in_run == 1)  // an isolated window: a short dash, so that it shows
                pts = fmt::format("{:.1f},{:.1f} {:.1f},{:.1f} ", last_x - 1.5, last_y, last_x + 1.5, last_y);
            in_run = 0;
            if (!pts.empty())
                s += fmt::format(R"(<polyline class="line" stroke="{}"{} points="{}"/>)", colour(l.style),
                                 l.dashed ? R"( stroke-dasharray="6 3")" : "", pts);
            pts.clear();
        };
        for (std::size_t k = 0; k < l.values->size(); ++k) {
            const auto& v = (*l.values)[k];
            if (!v.is_number() || !std::isfinite(v.get<double>())) {
                flush();
                continue;
            }
            // A point at the middle of its window.
            last_x = x_of(l.bin * (static_cast<double>(k) + 0.5));
            last_y = y_of(v.get<double>());
            pts += fmt::format("{:.1f},{:.1f} ", last_x, last_y);
            ++in_run;
        }
        flush();
    }
    s += "</svg>";
    if (lines.size() > 1) {
        s += "<figcaption>";
        for (const auto& l : lines)
            s += fmt::format(R"(<span class="key"><svg width="26" height="8"><line x1="0" x2="26" y1="4" y2="4" stroke="{}" stroke-width="2"{}/></svg> {}</span>)",
                             colour(l.style), l.dashed ? R"( stroke-dasharray="6 3")" : "", xml_text(l.label));
        s += "</figcaption>";
    }
    return s + "</figure>\n";
}

/// The delivery latency distribution of each run as a percentile plot (HdrHistogram's): x is the
/// percentile on a log scale of 1 / (1 - q) — 50, 90, 99, 99.9 %, then the maximum — and y the
/// latency, from the report's delivery.latency.* metrics. Empty when no report has them.
inline std::string percentile_plot(const std::vector<const json_t*>& runs, const std::vector<std::string>& names) {
    const auto& table = models::metric_catalogue_entries;
    std::vector<std::pair<std::string, double>> at;  // metric name, x position
    const auto family = models::family_of(models::metric_of(models::metric_id::delivery_latency_p50).name);
    for (const auto& e : table) {
        if (models::family_of(e.name) != family) continue;
        using stat = models::histogram_statistic;
        switch (models::statistic_of(e).value_or(stat::mean)) {
        case stat::mean: break;  // not a percentile
        case stat::p50: at.emplace_back(std::string(e.name), std::log10(2.0)); break;
        case stat::p90: at.emplace_back(std::string(e.name), 1.0); break;
        case stat::p99: at.emplace_back(std::string(e.name), 2.0); break;
        case stat::p999: at.emplace_back(std::string(e.name), 3.0); break;
        case stat::max: at.emplace_back(std::string(e.name), 4.0); break;
        }
    }
    constexpr double width = 880, height = 260, left = 78, right = 14, top = 26, bottom = 34;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    double y_max = 0;
    std::vector<std::vector<std::pair<double, double>>> points(runs.size());
    for (std::size_t k = 0; k < runs.size(); ++k)
        for (const auto& [name, x] : at)
            if (const auto v = metric_value(*runs[k], name); v && std::isfinite(*v)) {
                points[k].emplace_back(x, *v);
                y_max = std::max(y_max, *v);
            }
    if (std::all_of(points.begin(), points.end(), [](const auto& p) { return p.size() < 2; })) return {};
    if (!(y_max > 0)) y_max = 1;
    const double y_step = nice_step(y_max * 1.05);
    y_max = y_step * std::ceil(y_max * 1.05 / y_step);
    const auto x_of = [&](double x) { return left + plot_w * x / 4.0; };
    const auto y_of = [&](double v) { return top + plot_h * (1 - v / y_max); };
    std::string s = R"(<figure class="chart percentiles"><svg viewBox="0 0 880 260" role="img" aria-label="delivery latency by percentile">)";
    s += fmt::format(R"(<text x="{}" y="16" class="title">delivery latency by percentile (whole run)</text>)", left);
    for (double v = 0; v <= y_max * (1 + 1e-9); v += y_step)
        s += fmt::format(R"(<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/><text class="y" x="{}" y="{:.1f}">{}</text>)", left,
                         left + plot_w, y_of(v), y_of(v), left - 6, y_of(v) + 4, xml_text(tick(v, "s")));
    for (const auto& [label, x] : std::vector<std::pair<const char*, double>>{{"50 %", std::log10(2.0)}, {"90 %", 1}, {"99 %", 2}, {"99.9 %", 3}, {"max", 4}})
        s += fmt::format(R"(<text class="x" x="{:.1f}" y="{}">{}</text>)", x_of(x), height - 12, label);
    for (std::size_t k = 0; k < runs.size(); ++k) {
        if (points[k].empty()) continue;
        std::string pts;
        for (const auto& [x, v] : points[k]) pts += fmt::format("{:.1f},{:.1f} ", x_of(x), y_of(v));
        s += fmt::format(R"(<polyline class="line" stroke="{}"{} points="{}"/>)", colour(k), k > 0 ? R"( stroke-dasharray="6 3")" : "", pts);
        for (const auto& [x, v] : points[k])
            s += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"><title>{}</title></circle>)", x_of(x), y_of(v), colour(k),
                             xml_text(tick(v, "s")));
    }
    s += "</svg>";
    if (runs.size() > 1) {
        s += "<figcaption>";
        for (std::size_t k = 0; k < runs.size(); ++k)
            s += fmt::format(R"(<span class="key"><svg width="26" height="8"><line x1="0" x2="26" y1="4" y2="4" stroke="{}" stroke-width="2"{}/></svg> {}</span>)",
                             colour(k), k > 0 ? R"( stroke-dasharray="6 3")" : "", xml_text(names[k]));
        s += "</figcaption>";
    }
    return s + "</figure>\n";
}

/// A run's verdict: PASS when it completed and every threshold held.
struct run_verdict {
    bool pass = false;
    std::size_t failed = 0, total = 0, not_measured = 0;  // total: every threshold, not_measured among them
    std::string why;  // "all 5 thresholds hold", "2 of 5 thresholds failed", "the run did not complete: ..."
};

/// As the terminal's verdict line (sim/report.hpp, verdict_line) words it.
inline run_verdict verdict_of(const json_t& r) {
    run_verdict v;
    std::string skip_note;
    if (r.contains("thresholds") && r["thresholds"].is_array())
        for (const auto& t : r["thresholds"]) {
            ++v.total;
            const std::string verdict = str(t, "verdict");
            if (verdict == "not_measured") {
                if (v.not_measured++ == 0) skip_note = str(t, "note", "not measured");
            } else if (verdict != "pass") {
                ++v.failed;
            }
        }
    const bool completed = r.value("completed", false);
    const std::size_t judged = v.total - v.not_measured;
    const std::string more = v.not_measured > 0 ? fmt::format(" ({} more {})", v.not_measured, skip_note) : "";
    v.pass = completed && v.failed == 0;
    v.why = !completed       ? "the run did not complete" + (r.contains("error") ? ": " + str(r, "error") : std::string())
            : v.total == 0   ? "no thresholds"
            : judged == 0    ? "no threshold measured" + more
            : v.failed == 0  ? fmt::format("all {} thresholds hold", judged) + more
                             : fmt::format("{} of {} thresholds failed", v.failed, judged) + more;
    return v;
}

/// The header, thresholds and metrics of one run report; `id` names the section for links.
inline std::string run_section(const json_t& r, std::string_view heading, std::string_view id = {}) {
    std::string s = id.empty() ? "<section class=\"run\">\n" : fmt::format("<section class=\"run\" id=\"{}\">\n", xml_text(id));
    const auto& sc = r.contains("scenario") && r["scenario"].is_object() ? r["scenario"] : json_t::object();
    s += fmt::format("<h2>{}</h2>\n", xml_text(heading));
    const run_verdict v = verdict_of(r);
    s += fmt::format("<p class=\"verdict {}\">{} {} — {}</p>\n", v.pass ? "pass" : "fail", v.pass ? "&#10003;" : "&#10007;",
                     v.pass ? "PASS" : "FAIL", xml_text(v.why));
    s += "<table class=\"meta\">";
    const auto row = [&](std::string_view k, const std::string& v) { s += fmt::format("<tr><th>{}</th><td>{}</td></tr>", xml_text(k), xml_text(v)); };
    row("scenario", str(sc, "name") + (str(sc, "file").empty() ? "" : " (" + str(sc, "file") + ")"));
    row("mode", str(r, "mode"));
    if (r.contains("seed") && r["seed"].is_number()) row("seed", r["seed"].dump());
    row("trace hash", str(r, "trace_hash", "—"));
    if (r.contains("virtual_seconds") && r["virtual_seconds"].is_number()) row("virtual time", tick(r["virtual_seconds"].get<double>(), "s"));
    if (r.contains("events") && r["events"].is_number()) row("events", r["events"].dump());
    s += "</table>\n";

    s += "<h3>Thresholds</h3>\n";
    if (v.total == 0) s += "<p>No thresholds.</p>\n";
    else {
        s += "<table class=\"thresholds\"><tr><th></th><th>metric</th><th>limit</th><th>measured</th><th>verdict</th></tr>\n";
        const auto& units = r.contains("units") && r["units"].is_object() ? r["units"] : json_t::object();
        for (const auto& t : r["thresholds"]) {
            const std::string verdict = str(t, "verdict");
            const bool pass = verdict == "pass", skipped = verdict == "not_measured";
            const std::string metric = str(t, "metric");
            const std::string unit = units.contains(metric) && units[metric].is_string() ? units[metric].get<std::string>() : "";
            std::string measured = t.contains("measured") && t["measured"].is_number() ? tick(t["measured"].get<double>(), unit) : "—";
            if (t.contains("note") && t["note"].is_string()) measured += " (" + t["note"].get<std::string>() + ")";
            s += fmt::format("<tr class=\"threshold {0}\"><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>\n",
                             skipped ? "not_measured" : pass ? "pass" : "fail", skipped ? "&#8211;" : pass ? "&#10003;" : "&#10007;",
                             xml_text(metric), xml_text(str(t, "expression")), xml_text(measured),
                             skipped ? "not measured" : pass ? "pass" : "fail");
        }
        s += "</table>\n";
    }

    s += "<details><summary>All metrics</summary><table class=\"metrics\">\n";
    if (r.contains("units") && r["units"].is_object())
        for (const auto& [name, unit] : r["units"].items()) {
            const auto v = metric_value(r, name);
            s += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", xml_text(name),
                             v ? xml_text(tick(*v, unit.is_string() ? unit.get<std::string>() : "")) : "—");
        }
    s += "</table></details>\n";
    return s + "</section>\n";
}

/// The charts of one or more run reports: one chart per (area, unit) of the series catalogue,
/// each report's lines on the same axes.
inline std::string charts(const std::vector<const json_t*>& runs, const std::vector<std::string>& names) {
    std::vector<shade> shades;
    for (const auto* r : runs) {
        if (!r->contains("series") || !(*r)["series"].contains("annotations")) continue;
        for (const auto& a : (*r)["series"]["annotations"])
            shades.push_back({str(a, "kind"), str(a, "label"), a.value("from_seconds", 0.0), a.value("to_seconds", 0.0)});
        break;  // the first report's phases and faults
    }
    std::string s;
    std::vector<bool> drawn(models::series_catalogue_entries.size(), false);
    for (std::size_t i = 0; i < models::series_catalogue_entries.size(); ++i) {
        if (drawn[i]) continue;
        const auto& head = models::series_catalogue_entries[i];
        std::vector<line> lines;
        std::string title;
        std::size_t style = 0;
        for (std::size_t j = i; j < models::series_catalogue_entries.size(); ++j) {
            const auto& e = models::series_catalogue_entries[j];
            if (e.group != head.group || e.unit != head.unit) continue;
            drawn[j] = true;
            const std::string name(e.name);
            for (std::size_t k = 0; k < runs.size(); ++k) {
                const auto& r = *runs[k];
                if (!r.contains("series") || !r["series"].contains("values") || !r["series"]["values"].contains(name)) continue;
                const auto& values = r["series"]["values"][name];
                if (!values.is_array() ||
                    std::none_of(values.begin(), values.end(), [](const json_t& v) { return v.is_number() && std::isfinite(v.get<double>()); }))
                    continue;  // nothing measured in any window (no deliveries in the run): no line
                line l;
                l.label = std::string(e.label) + (runs.size() > 1 ? " — " + names[k] : "");
                l.values = &values;
                l.bin = r["series"].value("bin_seconds", 1.0);
                l.style = runs.size() > 1 ? k + style * runs.size() : style;
                l.dashed = k > 0;
                lines.push_back(std::move(l));
            }
            title += (title.empty() ? "" : " / ") + std::string(e.label);
            ++style;
        }
        if (!lines.empty()) s += chart(title, head.unit, lines, shades);
    }
    if (s.empty()) return "<p>These reports hold no time series.</p>\n";
    return "<h3>Over time</h3>\n<p class=\"legend\"><span class=\"swatch fault\"></span> fault &nbsp; <span class=\"swatch phase\"></span> load phase starts</p>\n" + s;
}

inline constexpr std::string_view style = R"(body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:940px;color:#1b1b1b;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:36px}h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 10px;text-align:left;border-bottom:1px solid #eee;vertical-align:top}
table.meta th{font-weight:normal;color:#555}.verdict{font-size:17px;font-weight:600;padding:6px 10px;display:inline-block;border-radius:4px}
.pass{color:#11652d}.fail{color:#a3141a}.not_measured{color:#777}.verdict.pass{background:#e3f4e8}.verdict.fail{background:#fbe5e5}
.chart{margin:10px 0 18px}.chart>svg{width:100%;height:auto}.key svg{width:26px;height:8px}.title{font-size:13px;font-weight:600}
.y{font-size:11px;text-anchor:end;fill:#555}.x{font-size:11px;text-anchor:middle;fill:#555}.grid{stroke:#e6e6e6}
.line{fill:none;stroke-width:1.6}.fault{fill:#d62728;fill-opacity:.13}.phase{stroke:#777;stroke-dasharray:3 3}
figcaption{font-size:12px}.key{margin-right:14px;white-space:nowrap}.swatch{display:inline-block;width:14px;height:10px;vertical-align:middle}
.swatch.fault{background:#d6272822}.swatch.phase{border-left:2px dashed #777}details{margin:8px 0})";

} // namespace html_detail

/// The page for `reports` (run, live or suite reports), each named by `names` (file names).
inline std::string html_report(const std::vector<nlohmann::ordered_json>& reports, const std::vector<std::string>& names) {
    using namespace html_detail;
    std::string body;
    std::vector<const json_t*> runs;
    std::vector<std::string> run_names;
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const auto& r = reports[i];
        if (str(r, "mode") == "suite" && r.contains("tests") && r["tests"].is_array()) {
            body += fmt::format("<h2>Suite {} — {} passed, {} failed</h2>\n", xml_text(names[i]), r.value("passed", 0), r.value("failed", 0));
            // The overview: a row per test, linked to its section.
            body += "<table class=\"suite\"><tr><th></th><th>test</th><th>verdict</th></tr>\n";
            std::size_t j = 0;
            for (const auto& t : r["tests"]) {
                const run_verdict v = verdict_of(t);
                body += fmt::format("<tr class=\"{}\"><td>{}</td><td><a href=\"#suite-{}-test-{}\">{}</a></td><td>{}</td></tr>\n",
                                    v.pass ? "pass" : "fail", v.pass ? "&#10003;" : "&#10007;", i, j++,
                                    xml_text(t.contains("scenario") ? str(t["scenario"], "name") : ""), xml_text(v.why));
            }
            body += "</table>\n";
            j = 0;
            for (const auto& t : r["tests"]) {
                const std::string name = t.contains("scenario") ? str(t["scenario"], "name") : "";
                body += run_section(t, name, fmt::format("suite-{}-test-{}", i, j++));
                body += charts({&t}, {name});
                body += percentile_plot({&t}, {name});
            }
            continue;
        }
        runs.push_back(&r);
        run_names.push_back(names[i] + " (" + str(r, "mode") + ")");
    }
    std::string runs_html;
    for (std::size_t i = 0; i < runs.size(); ++i) runs_html += run_section(*runs[i], run_names[i]);
    if (!runs.empty()) {
        if (runs.size() > 1) runs_html += "<h2 id=\"side-by-side\">Side by side</h2>\n<p>Solid: " + xml_text(run_names[0]) + "; dashed: the others, in order.</p>\n";
        runs_html += charts(runs, run_names);
        runs_html += percentile_plot(runs, run_names);
    }
    std::string title = reports.size() == 1 && !names.empty() ? "surge report — " + names[0] : "surge report";
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
           "<title>" + xml_text(title) + "</title><style>" + std::string(style) + "</style></head><body>\n<h1>" + xml_text(title) + "</h1>\n" +
           runs_html + body + "<p class=\"foot\">Written by surge " SURGE_VERSION ".</p>\n</body></html>\n";
}

} // namespace surge::sim
