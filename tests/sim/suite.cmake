# tests/sim/suite.cmake — `surge suite` and `surge diff` through the built program: the whole
# seed suite passes, one line per test, options and bad input, and the
# diff's verdicts and exit codes on the report fixtures in tests/sim/diff/. Uses surge_cli_test()
# from tests/sim/cli.cmake (included first: the files are included in sorted order).
if(NOT TARGET surge_cli OR NOT COMMAND surge_cli_test)
  return()
endif()

set(suite_dir ${PROJECT_SOURCE_DIR}/sim/scenarios/suite)
set(fixture ${PROJECT_SOURCE_DIR}/tests/sim/suite_fixture)
file(GLOB_RECURSE suite_files CONFIGURE_DEPENDS ${suite_dir}/*.json)
list(LENGTH suite_files suite_count)

# The whole suite: every test passes and the report holds every test's full report. Its wall
# time is printed, not asserted: the 10 s budget is a benchmark figure (tests/bench/suite_bench.cpp,
# BM_SeedSuite; docs/performance.md), since a timed test fails on a loaded machine, not on slow code.
add_test(NAME cli.suite_all
  COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DWORK_DIR=${SURGE_CLI_DIR}/suite -DMODE=suite_time
    -DEXPECT_TESTS=${suite_count} -P ${CMAKE_CURRENT_LIST_DIR}/suite_check.cmake)
set_tests_properties(cli.suite_all PROPERTIES TIMEOUT 300)

surge_cli_test(suite_help EXIT 0 ARGS suite --help STDOUT "--suites.*--output.*--junit.*--verbose.*--seed.*--set.*--dir")
surge_cli_test(suite_one EXIT 0 ARGS suite --suites websocket
  STDOUT "^suite websocket: [0-9]+ tests\n(  PASS  websocket/[^\n]*\n)+\nPASS: [0-9]+ passed, 0 failed \\([0-9]+ tests\\) in [0-9.]+ [^\n ]+ wall\n$")
surge_cli_test(suite_two EXIT 0 ARGS suite --suites memory notification --seed 5
  STDOUT "^suite memory, notification: [0-9]+ tests, seed 5\n  PASS  memory/")
surge_cli_test(suite_verbose EXIT 0 ARGS suite --suites memory --verbose
  STDOUT "scenario memory/reclamation \\([^\n]*reclamation\\.json\\)\n.*\nthresholds\n.*verdict: PASS")
surge_cli_test(suite_fixture_fails EXIT 1 ARGS suite --dir ${fixture} --output ${SURGE_CLI_DIR}/suite-fixture.json
  STDOUT "  FAIL  demo/fails   notifications\\.published [0-9]+ \\(>= 1000000 fails\\)[^\n]*\n  PASS  demo/passes  [^\n]*\n\nFAIL: 1 passed, 1 failed \\(2 tests\\)"
  FILE ${SURGE_CLI_DIR}/suite-fixture.json)
# --suites a,b is --suites a --suites b.
surge_cli_test(suite_comma_list EXIT 0 ARGS suite --suites memory,websocket
  STDOUT "^suite memory, websocket: [0-9]+ tests\n  PASS  memory/")
surge_cli_test(suite_comma_list_empty_name EXIT 2 ARGS suite --suites memory, STDOUT_EMPTY
  STDERR "^surge: --suites memory,: an empty suite name\n$")
# --junit writes the XML (its text is checked in sim.junit_tests); an unwritable path is bad input.
surge_cli_test(suite_junit EXIT 1 ARGS suite --dir ${fixture} --junit ${SURGE_CLI_DIR}/suite-fixture.xml
  STDOUT "\nFAIL: 1 passed, 1 failed" FILE ${SURGE_CLI_DIR}/suite-fixture.xml)
surge_cli_test(suite_junit_unwritable EXIT 2 ARGS suite --dir ${fixture} --junit /nonexistent-dir/r.xml STDOUT_EMPTY
  STDERR "^surge: cannot write the JUnit report /nonexistent-dir/r\\.xml: ")
surge_cli_test(suite_set_everywhere EXIT 1 ARGS suite --dir ${fixture} --set /users/count=20 STDOUT "FAIL: 1 passed")
surge_cli_test(suite_set_somewhere EXIT "0|1" ARGS suite --suites notification --set /degradation/request_timeout=3s
  STDERR "^surge: --set /degradation/request_timeout=3s does not apply to [0-9]+ of [0-9]+ tests \\(no such parent /degradation")

# Bad input: exit 2, nothing run.
surge_cli_test(suite_unknown_suite EXIT 2 ARGS suite --suites frobnicate STDOUT_EMPTY
  STDERR "^surge: --suites frobnicate: no such suite in [^\n]*. the suites are notification, websocket, memory \\(or all\\)\n$")
surge_cli_test(suite_set_nowhere EXIT 2 ARGS suite --set /nonexistent/x=1 STDOUT_EMPTY
  STDERR "^surge: --set /nonexistent/x=1: no such parent /nonexistent[^\n]*\\(in every test of the suite\\)\n$")
surge_cli_test(suite_set_bad_value EXIT 2 ARGS suite --set /users/count=-3 STDOUT_EMPTY
  STDERR "^surge: [^\n]*\\.json: /users/count: expected an integer")
surge_cli_test(suite_bad_seed EXIT 2 ARGS suite --seed x STDOUT_EMPTY STDERR "^surge: --seed x: expected")
surge_cli_test(suite_bad_dir EXIT 2 ARGS suite --dir /nonexistent-dir STDOUT_EMPTY
  STDERR "^surge: --dir /nonexistent-dir: not a directory\n$")
surge_cli_test(suite_empty_dir EXIT 2 ARGS suite --dir ${fixture}/demo STDOUT_EMPTY STDERR "^surge: [^\n]*: no suites here")
surge_cli_test(suite_unwritable_output EXIT 2 ARGS suite --output /nonexistent-dir/r.json STDOUT_EMPTY
  STDERR "^surge: cannot write the report /nonexistent-dir/r\\.json: ")

# surge diff on the fixtures: verdicts, tolerances, exit codes.
set(d ${PROJECT_SOURCE_DIR}/tests/sim/diff)
surge_cli_test(diff_help EXIT 0 ARGS diff --help STDOUT "OLD.*NEW.*--tolerance.*--metric-tolerance.*--ignore")
surge_cli_test(diff_same EXIT 0 ARGS diff ${d}/old.json ${d}/same.json
  STDOUT "^scenario demo\n  trace hash 00000000000000aa -> 00000000000000bb\n  no metric changed\n\ndiff: no regressions \\(7 metrics compared, 0 changed\\)\n$")
# --all lists every metric, the unchanged ones too.
surge_cli_test(diff_same_all EXIT 0 ARGS diff ${d}/old.json ${d}/same.json --all
  STDOUT "^scenario demo\n  trace hash 00000000000000aa -> 00000000000000bb\n  metric +old +new +change +relative +verdict\n.*  memory\.bytes_per_notification +2\.00 KB +2\.00 KB +0 B +0 % +same\n\ndiff: no regressions \\(7 metrics compared, 0 changed\\)\n$")
# The threshold that changed verdict leads; only metrics beyond the tolerance are listed.
surge_cli_test(diff_regressed EXIT 1 ARGS diff ${d}/old.json ${d}/regressed.json
  STDOUT "^scenario demo\n  thresholds that changed verdict:\n    PASS -> FAIL  delivery\\.latency\\.p99 < 230ms  \\(200 ms -> 240 ms\\)\n.*  notifications\\.published +1,000 +1,100 +\\+100 +\\+10\\.0 % +changed\n  delivery\\.latency\\.p99 +200 ms +240 ms +\\+40\\.0 ms +\\+20\\.0 % +REGRESSED\n\nthresholds that changed verdict: 1 now fail\n.*diff: 2 regressions\n  delivery\\.latency\\.p99 \\+20% \\(200 ms -> 240 ms. tolerance 5%\\)\n  threshold delivery\\.latency\\.p99 < 230ms passed before and fails now\n$")
surge_cli_test(diff_tolerance EXIT 1 ARGS diff ${d}/old.json ${d}/regressed.json --tolerance 25%
  STDOUT "diff: 1 regression\n  threshold delivery\\.latency\\.p99")
surge_cli_test(diff_ignore EXIT 0 ARGS diff ${d}/old.json ${d}/regressed.json --ignore "delivery.latency.*" --changed-only
  STDOUT "delivery\\.latency\\.p99 [^\n]*ignored\n.*diff: no regressions")
surge_cli_test(diff_metric_tolerance EXIT 1 ARGS diff ${d}/old.json ${d}/regressed.json
  --metric-tolerance delivery.latency.p99=25 --changed-only STDOUT "delivery\\.latency\\.p99 [^\n]* worse\n")
# By default a move within the tolerance is not listed, only counted.
surge_cli_test(diff_within_tolerance_hidden EXIT 1 ARGS diff ${d}/old.json ${d}/regressed.json
  --metric-tolerance delivery.latency.p99=25
  STDOUT "\n  \\(1 other metric changed within the tolerance. --all lists every metric\\)\n")
surge_cli_test(diff_better EXIT 0 ARGS diff ${d}/old.json ${d}/better.json --changed-only
  STDOUT "^scenario demo\n  trace hash 00000000000000aa \\(unchanged\\)\n  metric[^\n]*\n  notifications\\.throughput [^\n]* better\n  delivery\\.success_rate [^\n]* better\n  delivery\\.latency\\.p99 [^\n]* better\n\ndiff: no regressions")
surge_cli_test(diff_within_tolerance EXIT 0 ARGS diff ${d}/old.json ${d}/slightly-worse.json --changed-only
  STDOUT "notifications\\.throughput +200/s +195/s +-5\\.00/s +-2\\.50 % +worse\n")
surge_cli_test(diff_strict EXIT 1 ARGS diff ${d}/old.json ${d}/slightly-worse.json --tolerance 0
  STDOUT "notifications\\.throughput -2\\.5% \\(200/s -> 195/s. tolerance 0%\\)")
surge_cli_test(diff_suite EXIT 1 ARGS diff ${d}/suite-old.json ${d}/suite-new.json
  STDOUT "^test demo/a\n.*test demo/b\n.*  delivery\\.lost +0 +3 +\\+3 +\\+inf +REGRESSED\n.*test demo/c: only in the new report \\(new test\\)\n\ndiff: 1 regression\n  demo/b: delivery\\.lost 0 -> 3\n$")
surge_cli_test(diff_suite_metric_tolerance EXIT 0 ARGS diff ${d}/suite-old.json ${d}/suite-new.json --ignore "demo/b:delivery.lost"
  STDOUT "diff: no regressions")
surge_cli_test(diff_suite_removed_test EXIT 1 ARGS diff ${d}/suite-new.json ${d}/suite-old.json
  STDOUT "test demo/c: only in the old report\n.*diff: 1 regression\n  demo/c: the test is missing from the new report\n$")
surge_cli_test(diff_missing_file EXIT 2 ARGS diff ${d}/old.json no-such-report.json STDOUT_EMPTY
  STDERR "^surge: no-such-report\\.json: cannot read: No such file or directory\n$")
surge_cli_test(diff_invalid_json EXIT 2 ARGS diff ${d}/old.json ${d}/invalid.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*invalid\\.json:[0-9]+:[0-9]+: JSON syntax error: ")
surge_cli_test(diff_not_a_report EXIT 2 ARGS diff ${d}/not-a-report.json ${d}/old.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*not-a-report\\.json: not a surge report \\(no \"schema_version\"\\)\n$")
surge_cli_test(diff_suite_vs_single EXIT 2 ARGS diff ${d}/old.json ${d}/suite-old.json STDOUT_EMPTY
  STDERR "^surge: cannot compare a single-run report \\([^\n]*\\) with a suite report")
surge_cli_test(diff_bad_tolerance EXIT 2 ARGS diff ${d}/old.json ${d}/same.json --tolerance lots STDOUT_EMPTY
  STDERR "^surge: --tolerance lots: expected a percentage")
surge_cli_test(diff_bad_metric_tolerance EXIT 2 ARGS diff ${d}/old.json ${d}/same.json --metric-tolerance x STDOUT_EMPTY
  STDERR "^surge: --metric-tolerance x: expected NAME=PCT")
surge_cli_test(diff_one_file EXIT 2 ARGS diff ${d}/old.json STDOUT_EMPTY STDERR "^surge: .*NEW")

# Real reports: a run and a suite diffed with themselves, another seed.
if(EXISTS ${PROJECT_SOURCE_DIR}/sim/scenarios/baseline.json)
  add_test(NAME cli.diff_real_reports
    COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DWORK_DIR=${SURGE_CLI_DIR}/diff -DMODE=diff_self
      -DSCENARIO=${PROJECT_SOURCE_DIR}/sim/scenarios/baseline.json -P ${CMAKE_CURRENT_LIST_DIR}/suite_check.cmake)
endif()
