// tests/sim/interrupt_check.cpp — issue 12, item 8, through the built `surge` program: a run or a
// suite stopped by SIGINT or SIGTERM exits 128 + the signal and leaves a valid partial report
// (completed false, interrupted naming the signal, what was measured so far) that fits
// sim/report.schema.json; a run killed by SIGKILL leaves the previous report byte for byte; a
// second SIGINT ends the process at once. A signal needs a process, hence this POSIX driver
// (fork, exec, kill, waitpid) rather than a cmake -P script.
//
//   surge_interrupt_check CASE SURGE FIXTURE_DIR WORK_DIR
//
// CASE: run_sigint, run_sigterm, run_sigkill, suite_sigint, sweep_sigint, second_sigint. FIXTURE_DIR is
// tests/sim/interrupt_fixture (one suite "slow" of two long scenarios). Exit 0 on success; every
// failed expectation is printed.
#include "schema_check.hpp"

#include <sim/stop_signal.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

int failures = 0;

void expect(bool ok, const std::string& what) {
    if (ok) return;
    ++failures;
    std::cerr << "FAILED: " << what << '\n';
}

using surge::test::read_text;

struct child {
    pid_t pid = -1;
    fs::path out, err;
};

/// Starts `args` with stdout and stderr to files in `dir` (not a terminal: no progress line).
child spawn(const std::vector<std::string>& args, const fs::path& dir, const std::string& tag) {
    child c;
    c.out = dir / (tag + ".stdout");
    c.err = dir / (tag + ".stderr");
    c.pid = ::fork();
    if (c.pid == 0) {
        const int o = ::open(c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0) ::_exit(127);
        ::dup2(o, STDOUT_FILENO);
        ::dup2(e, STDERR_FILENO);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return c;
}

/// Waits at most `limit` for the child; kills it (SIGKILL) past that. Returns the exit code, or
/// 1000 + the signal that ended it.
int wait_for(const child& c, std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(c.pid, &status, WNOHANG);
        if (r == c.pid) break;
        if (std::chrono::steady_clock::now() > until) {
            ::kill(c.pid, SIGKILL);
            ::waitpid(c.pid, &status, 0);
            expect(false, "the process did not end within " + std::to_string(limit.count()) + " s");
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
    return -1;
}

/// Gives the child time to load its scenario and get into the run: the signal must reach the run.
void let_it_run() { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); }

const surge::test::schema_validator& report_schema() {
    static const surge::test::schema_validator v(json::parse(read_text(fs::path(SURGE_SOURCE_DIR) / "sim" / "report.schema.json")));
    return v;
}

/// A single run's partial report: valid JSON, fits the schema, completed false, the signal named.
void check_partial_report(const json& r, const std::string& signal, const std::string& where) {
    for (const auto& e : report_schema().validate(r)) expect(false, where + ": schema: " + e.pointer + ": " + e.message);
    expect(r.value("completed", true) == false, where + ": completed is false");
    expect(r.value("interrupted", std::string()) == signal, where + ": interrupted is " + signal);
    expect(r.value("error", std::string()).starts_with("interrupted by " + signal + " at "),
           where + ": error says \"interrupted by " + signal + " at ...\", found: " + r.value("error", std::string()));
    expect(r.value("events", 0ULL) > 0, where + ": some events ran");
    expect(r.contains("metrics") && r["metrics"].contains("notifications") &&
               r["metrics"]["notifications"].value("published", 0.0) > 0,
           where + ": metrics.notifications.published > 0 (what was measured so far)");
}

int run_signal(int signal, const std::string& surge, const fs::path& fixture, const fs::path& dir) {
    const std::string name = surge::sim::signal_name(signal);
    const fs::path report = dir / ("run-" + name + ".json");
    { std::ofstream(report) << "an older report\n"; }
    const child c = spawn({surge, "run", (fixture / "slow" / "a.json").string(), "-o", report.string()}, dir, "run-" + name);
    let_it_run();
    ::kill(c.pid, signal);
    const int code = wait_for(c, std::chrono::seconds(60));
    expect(code == surge::sim::interrupted_exit_code(signal),
           "exit code " + std::to_string(surge::sim::interrupted_exit_code(signal)) + ", found " + std::to_string(code));
    const std::string out = read_text(c.out), err = read_text(c.err);
    expect(out.find("\nverdict: INTERRUPTED by " + name + " (partial run)") != std::string::npos,
           "the summary is printed with the verdict INTERRUPTED; stdout:\n" + out);
    expect(out.find("  interrupted") != std::string::npos, "the summary says where the run was interrupted");
    expect(err.starts_with("surge: ") && err.find("interrupted by " + name) != std::string::npos &&
               err.find("the partial report is in " + report.string()) != std::string::npos,
           "stderr names the signal and the report; stderr:\n" + err);
    const json r = json::parse(read_text(report), nullptr, false);
    expect(!r.is_discarded(), report.string() + " is valid JSON");
    if (!r.is_discarded()) check_partial_report(r, name, report.string());
    for (const auto& e : fs::directory_iterator(dir))
        expect(e.path().filename().string().find(".tmp-") == std::string::npos, "no temporary file left: " + e.path().string());
    return failures;
}

int run_sigkill(const std::string& surge, const fs::path& fixture, const fs::path& dir) {
    const fs::path report = dir / "run-SIGKILL.json";
    const std::string before = "{\"an\": \"older report\"}\n";
    { std::ofstream(report) << before; }
    const child c = spawn({surge, "run", (fixture / "slow" / "a.json").string(), "-o", report.string()}, dir, "run-SIGKILL");
    let_it_run();
    ::kill(c.pid, SIGKILL);
    const int code = wait_for(c, std::chrono::seconds(60));
    expect(code == 1000 + SIGKILL, "killed by SIGKILL, found " + std::to_string(code));
    expect(read_text(report) == before, "the previous report is intact after SIGKILL");
    return failures;
}

int suite_sigint(const std::string& surge, const fs::path& fixture, const fs::path& dir) {
    const fs::path report = dir / "suite-SIGINT.json";
    fs::remove(report);
    const child c = spawn({surge, "suite", "--dir", fixture.string(), "-o", report.string()}, dir, "suite-SIGINT");
    let_it_run();
    ::kill(c.pid, SIGINT);
    const int code = wait_for(c, std::chrono::seconds(60));
    expect(code == 130, "exit code 130, found " + std::to_string(code));
    const std::string out = read_text(c.out);
    expect(out.find("  STOP  slow/a  interrupted by SIGINT at ") != std::string::npos,
           "the interrupted test's line says so; stdout:\n" + out);
    expect(out.find("\nINTERRUPTED by SIGINT: 0 passed, 1 failed (1 test; 1 not run) in ") != std::string::npos,
           "the suite's verdict line; stdout:\n" + out);
    const json r = json::parse(read_text(report), nullptr, false);
    expect(!r.is_discarded(), report.string() + " is valid JSON");
    if (r.is_discarded()) return failures;
    expect(r.value("completed", true) == false, "suite report: completed is false");
    expect(r.value("interrupted", std::string()) == "SIGINT", "suite report: interrupted is SIGINT");
    expect(r["not_run"] == json::array({(fixture / "slow" / "b.json").string()}), "suite report: not_run lists b.json");
    expect(r["tests"].size() == 1, "suite report: the interrupted test's report");
    if (r["tests"].size() == 1) check_partial_report(r["tests"][0], "SIGINT", "suite report tests[0]");
    return failures;
}

/// surge sweep: the points that finished are written, the one cut short is not; exit 130.
int sweep_sigint(const std::string& surge, const fs::path& fixture, const fs::path& dir) {
    const fs::path out = dir / "sweep-SIGINT.json";
    fs::remove(out);
    const child c = spawn({surge, "sweep", (fixture / "slow" / "a.json").string(), "--vary", "/duration=1s,2s,10h", "--seeds", "1", "-j", "1",
                           "-o", out.string()},
                          dir, "sweep-SIGINT");
    let_it_run();
    ::kill(c.pid, SIGINT);
    const int code = wait_for(c, std::chrono::seconds(60));
    expect(code == 130, "exit code 130, found " + std::to_string(code));
    const std::string err = read_text(c.err);
    expect(err.find("surge: ") == 0 && err.find("the sweep was interrupted by SIGINT; the points finished are in ") != std::string::npos,
           "stderr says so; stderr:\n" + err);
    const json r = json::parse(read_text(out), nullptr, false);
    expect(!r.is_discarded(), out.string() + " is valid JSON");
    if (r.is_discarded()) return failures;
    expect(r["summary"]["completed"] == false, "sweep.json: summary.completed is false");
    expect(r["summary"]["interrupted"] == "SIGINT", "sweep.json: summary.interrupted is SIGINT");
    expect(r["summary"]["points"] == 3 && r["summary"]["run"] == 2, "sweep.json: 2 of 3 points run");
    expect(r["points"].size() == 2 && r["points"][1]["values"]["/duration"] == "2s", "sweep.json: the two short points");
    return failures;
}

/// A second SIGINT ends the process at once, exit 130, even while the first is being handled:
/// checked on the handler itself, in a child that ignores the first request.
int second_sigint() {
    const pid_t pid = ::fork();
    if (pid == 0) {
        surge::sim::install_stop_handlers();
        ::raise(SIGINT);
        if (surge::sim::stop_requested.load() != SIGINT) ::_exit(3);  // the first only asks
        ::raise(SIGINT);
        ::_exit(4);  // not reached: the second exits
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    expect(WIFEXITED(status) && WEXITSTATUS(status) == 130,
           "the second SIGINT exits 130 at once, found status " + std::to_string(status));
    return failures;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "second_sigint") return second_sigint();
    if (argc != 5) {
        std::cerr << "usage: surge_interrupt_check CASE SURGE FIXTURE_DIR WORK_DIR\n";
        return 2;
    }
    const std::string which = argv[1], surge = argv[2];
    const fs::path fixture = argv[3], dir = fs::path(argv[4]) / which;
    fs::create_directories(dir);
    if (which == "run_sigint") return run_signal(SIGINT, surge, fixture, dir);
    if (which == "run_sigterm") return run_signal(SIGTERM, surge, fixture, dir);
    if (which == "run_sigkill") return run_sigkill(surge, fixture, dir);
    if (which == "suite_sigint") return suite_sigint(surge, fixture, dir);
    if (which == "sweep_sigint") return sweep_sigint(surge, fixture, dir);
    std::cerr << "unknown case " << which << '\n';
    return 2;
}
