# tests/sim/cli.cmake — CTest registrations that run the built `surge` program: exit codes, messages
# and files for bad input, and (when the built-in baseline scenario exists) real runs, the report's
# determinism and --set. Included by tests/CMakeLists.txt; the checks are tests/sim/run_check.cmake
# and tests/sim/compare_reports.cmake, run with cmake -P.
if(NOT TARGET surge_cli)
  return()
endif()

set(SURGE_CLI_DIR ${CMAKE_CURRENT_BINARY_DIR}/cli)
file(MAKE_DIRECTORY ${SURGE_CLI_DIR})
set(SURGE_CLI_SCENARIOS ${PROJECT_SOURCE_DIR}/sim/scenarios)

# surge_cli_test(NAME EXIT codes ARGS a b c [STDERR regex] [STDOUT regex] [STDOUT_EMPTY]
#                [FILE path] [NO_FILE path])
function(surge_cli_test name)
  cmake_parse_arguments(PARSE_ARGV 1 T "STDOUT_EMPTY" "EXIT;STDERR;STDOUT;FILE;NO_FILE" "ARGS")
  set(cmd "$<TARGET_FILE:surge_cli>")
  foreach(a IN LISTS T_ARGS)
    string(APPEND cmd "|${a}")
  endforeach()
  set(defs -DCOMMAND=${cmd} -DEXPECT_EXIT=${T_EXIT} -DWORKING_DIRECTORY=${SURGE_CLI_DIR})
  if(DEFINED T_STDERR)
    list(APPEND defs "-DEXPECT_STDERR_REGEX=${T_STDERR}")
  endif()
  if(DEFINED T_STDOUT)
    list(APPEND defs "-DEXPECT_STDOUT_REGEX=${T_STDOUT}")
  endif()
  if(T_STDOUT_EMPTY)
    list(APPEND defs -DEXPECT_STDOUT_EMPTY=ON)
  endif()
  if(DEFINED T_FILE)
    list(APPEND defs -DEXPECT_FILE=${T_FILE} -DREMOVE_FIRST=${T_FILE})
  endif()
  if(DEFINED T_NO_FILE)
    list(APPEND defs -DEXPECT_NO_FILE=${T_NO_FILE} -DREMOVE_FIRST=${T_NO_FILE})
  endif()
  add_test(NAME cli.${name} COMMAND ${CMAKE_COMMAND} ${defs} -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/run_check.cmake)
endfunction()

# Version and help: exit 0.
surge_cli_test(version_flag EXIT 0 ARGS --version STDOUT "^surge [0-9]+\\.[0-9]+\\.[0-9]+\n$")
surge_cli_test(version_subcommand EXIT 0 ARGS version STDOUT "^surge [0-9]+\\.[0-9]+\\.[0-9]+\n$")
surge_cli_test(help EXIT 0 ARGS --help STDOUT "run.*replay.*validate.*version")
surge_cli_test(run_help EXIT 0 ARGS run --help STDOUT "--seed.*--output.*--trace.*--set.*--quiet")

# Usage errors: exit 2, a message on stderr, nothing on stdout.
surge_cli_test(no_subcommand EXIT 2 ARGS STDOUT_EMPTY STDERR "^surge: a subcommand is required")
surge_cli_test(unknown_subcommand EXIT 2 ARGS frobnicate STDOUT_EMPTY
  # '.' stands for the ';' in the message: add_test splits its arguments at ';'.
  STDERR "^surge: unknown subcommand 'frobnicate'. the subcommands are run, suite, golden, diff, replay, report, calibrate, sweep, plan, validate, version\n$")
surge_cli_test(unknown_option EXIT 2 ARGS run --frobnicate ${SURGE_CLI_SCENARIOS}/baseline.json STDOUT_EMPTY
  STDERR "^surge: .*frobnicate")
surge_cli_test(run_without_scenario EXIT 2 ARGS run STDOUT_EMPTY STDERR "^surge: .*SCENARIO")
surge_cli_test(run_seed_not_a_number EXIT 2 ARGS run ${SURGE_CLI_SCENARIOS}/baseline.json --seed seven STDOUT_EMPTY
  STDERR "^surge: --seed seven: expected a non-negative integer")
surge_cli_test(run_seed_negative EXIT 2 ARGS run ${SURGE_CLI_SCENARIOS}/baseline.json --seed=-3 STDOUT_EMPTY
  STDERR "^surge: --seed -3: expected a non-negative integer")
surge_cli_test(run_seed_too_large EXIT 2 ARGS run ${SURGE_CLI_SCENARIOS}/baseline.json --seed 18446744073709551616
  STDOUT_EMPTY STDERR "^surge: --seed 18446744073709551616: expected")

# Bad scenario files: exit 2, the message names the file.
surge_cli_test(validate_missing_file EXIT 2 ARGS validate no-such-scenario.json STDOUT_EMPTY
  STDERR "^surge: no-such-scenario\\.json: cannot read")
surge_cli_test(validate_bad_file EXIT 2 ARGS validate ${PROJECT_SOURCE_DIR}/tests/sim/bad/misspelt_key.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*misspelt_key\\.json: ")
# validate reports every error of a file, one line each, in the order of the file's keys; run the first.
set(three_errors ${PROJECT_SOURCE_DIR}/tests/sim/several_errors/three_errors.json)
surge_cli_test(validate_every_error EXIT 2 ARGS validate ${three_errors} STDOUT_EMPTY
  STDERR "^surge: [^\n]*three_errors\\.json: /users/count: expected an integer >= 0, found -5\nsurge: [^\n]*three_errors\\.json: /database/pool_sise: unknown key. did you mean 'pool_size'\\?\nsurge: [^\n]*three_errors\\.json: /thresholds/delivery\\.latncy\\.p99: unknown metric. did you mean 'delivery\\.latency\\.p99'\\?\n$")
surge_cli_test(run_first_error EXIT 2 ARGS run ${three_errors} STDOUT_EMPTY
  STDERR "^surge: [^\n]*three_errors\\.json: /users/count: expected an integer >= 0, found -5\n$")
surge_cli_test(validate_syntax_error EXIT 2 ARGS validate ${PROJECT_SOURCE_DIR}/tests/sim/bad/syntax_error.json
  STDOUT_EMPTY STDERR "^surge: [^\n]*syntax_error\\.json:[0-9]+:[0-9]+")
surge_cli_test(run_missing_file EXIT 2 ARGS run no-such-scenario.json STDOUT_EMPTY
  STDERR "^surge: no-such-scenario\\.json: cannot read")
surge_cli_test(run_bad_file EXIT 2 ARGS run ${PROJECT_SOURCE_DIR}/tests/sim/bad/unknown_metric.json
  --output ${SURGE_CLI_DIR}/bad-file-report.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*unknown_metric\\.json: " NO_FILE ${SURGE_CLI_DIR}/bad-file-report.json)

# The replay's "protocol" section is read by the tool (tools/replay/protocol_section.hpp), not by
# sim/, yet every command that loads a scenario rejects a bad one as bad input, in a build without
# the replay too.
set(tool_bad ${PROJECT_SOURCE_DIR}/tests/tools/bad)
surge_cli_test(validate_bad_protocol_kind EXIT 2 ARGS validate ${tool_bad}/protocol_bad_kind.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*protocol_bad_kind\\.json: /protocol/protocol: expected one of \"socketio\", \"ws-json\", found \"socket\\.io\"")
surge_cli_test(validate_bad_protocol_key EXIT 2 ARGS validate ${tool_bad}/protocol_unknown_key.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*protocol_unknown_key\\.json: /protocol/publish/evnt: unknown key. did you mean 'event'\\?\n$")
surge_cli_test(validate_good_protocol EXIT 0 ARGS validate ${PROJECT_SOURCE_DIR}/tests/sim/good/live_protocol.json
  STDOUT "live_protocol\\.json: ok \\(live-protocol, 1 phase, 0 faults, 0 thresholds\\)\n$")
surge_cli_test(run_bad_protocol EXIT 2 ARGS run ${tool_bad}/protocol_bad_kind.json --output ${SURGE_CLI_DIR}/bad-protocol-report.json
  STDOUT_EMPTY STDERR "^surge: [^\n]*protocol_bad_kind\\.json: /protocol/protocol: " NO_FILE ${SURGE_CLI_DIR}/bad-protocol-report.json)
surge_cli_test(run_set_bad_protocol EXIT 2 ARGS run ${PROJECT_SOURCE_DIR}/tests/sim/good/live_protocol.json
  --set /protocol/publish/via=pigeon STDOUT_EMPTY
  STDERR "^surge: [^\n]*live_protocol\\.json: /protocol/publish/via: expected one of \"http\", \"websocket\", found \"pigeon\" \\(the value comes from --set /protocol/publish/via=pigeon\\)\n$")
surge_cli_test(golden_bad_protocol EXIT 2 ARGS golden --dir ${SURGE_CLI_DIR} ${tool_bad}/protocol_unknown_key.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*protocol_unknown_key\\.json: /protocol/publish/evnt: ")
# The publish template and the notification's field locations (issue 14): a scenario with the
# foreign service's protocol section (tests/live/scenarios/foreign.protocol.json) validates; a bad
# method, an unknown placeholder and a bad pointer (put there by --set) are exit 2 with the place
# and the reason.
file(READ ${PROJECT_SOURCE_DIR}/tests/live/scenarios/foreign.protocol.json surge_foreign_protocol)
file(WRITE ${SURGE_CLI_DIR}/foreign-protocol.json
  "{\"name\": \"foreign\", \"duration\": \"1s\", \"load\": [{\"at\": \"0s\", \"rate\": \"10/s\"}], \"protocol\": ${surge_foreign_protocol}}\n")
surge_cli_test(validate_foreign_protocol EXIT 0 ARGS validate ${SURGE_CLI_DIR}/foreign-protocol.json
  STDOUT "foreign-protocol\\.json: ok \\(foreign, 1 phase, 0 faults, 0 thresholds\\)\n$")
surge_cli_test(validate_bad_protocol_method EXIT 2 ARGS validate ${tool_bad}/protocol_bad_method.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*protocol_bad_method\\.json: /protocol/publish/method: expected an HTTP method: \"POST\", \"PUT\" or \"PATCH\", found \"GET\"\n$")
surge_cli_test(run_set_bad_placeholder EXIT 2 ARGS run ${SURGE_CLI_DIR}/foreign-protocol.json
  "--set" "/protocol/publish/body/title=surge {idd}" STDOUT_EMPTY
  STDERR "^surge: [^\n]*foreign-protocol\\.json: /protocol/publish/body/title: unknown placeholder [{]idd[}]. did you mean 'id'\\? \\(the value comes from --set ")
surge_cli_test(run_set_bad_id_pointer EXIT 2 ARGS run ${SURGE_CLI_DIR}/foreign-protocol.json
  "--set" "/protocol/notification/id=/data/~x" STDOUT_EMPTY
  STDERR "^surge: [^\n]*foreign-protocol\\.json: /protocol/notification/id: expected a JSON pointer to the id")
# Input limits (docs/scenarios.md, "Limits"): an endless or too large input, too deep a nesting and a
# bad SURGE_MAX_INPUT_BYTES end in exit 2 and a message naming the file and the limit. The deep
# inputs are generated here (a few kilobytes).
surge_cli_test(validate_endless_input EXIT 2 ARGS validate /dev/zero STDOUT_EMPTY
  STDERR "^surge: /dev/zero: larger than the input size limit of 64 MiB \\(67108864 bytes\\). set SURGE_MAX_INPUT_BYTES")
surge_cli_test(validate_input_limit_from_env EXIT 2 ARGS validate ${SURGE_CLI_SCENARIOS}/baseline.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*baseline\\.json: larger than the input size limit of 100 bytes. set SURGE_MAX_INPUT_BYTES")
set_tests_properties(cli.validate_input_limit_from_env PROPERTIES ENVIRONMENT SURGE_MAX_INPUT_BYTES=100)
surge_cli_test(validate_bad_input_limit EXIT 2 ARGS validate ${SURGE_CLI_SCENARIOS}/baseline.json STDOUT_EMPTY
  STDERR "^surge: SURGE_MAX_INPUT_BYTES=lots: expected a positive number of bytes")
set_tests_properties(cli.validate_bad_input_limit PROPERTIES ENVIRONMENT SURGE_MAX_INPUT_BYTES=lots)
string(REPEAT "[" 5000 surge_deep_open)
string(REPEAT "]" 5000 surge_deep_close)
file(WRITE ${SURGE_CLI_DIR}/deep-name.json
  "{\"name\": ${surge_deep_open}1${surge_deep_close}, \"duration\": \"60s\", \"load\": [{\"at\": \"0s\", \"rate\": \"10/s\"}]}\n")
file(WRITE ${SURGE_CLI_DIR}/deep-auth.json
  "{\"name\": \"m\", \"duration\": \"1s\", \"load\": [{\"at\": \"0s\", \"rate\": \"10/s\"}], \"protocol\": {\"auth\": {\"a\": ${surge_deep_open}${surge_deep_close}}}}\n")
file(WRITE ${SURGE_CLI_DIR}/deep-report.json "{\"metrics\": ${surge_deep_open}${surge_deep_close}}\n")
surge_cli_test(validate_deep_nesting EXIT 2 ARGS validate ${SURGE_CLI_DIR}/deep-name.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*deep-name\\.json:1:137: JSON nested more than 128 levels deep")
surge_cli_test(run_deep_protocol_auth EXIT 2 ARGS run ${SURGE_CLI_DIR}/deep-auth.json
  --output ${SURGE_CLI_DIR}/deep-auth-report.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*deep-auth\\.json:1:[0-9]+: JSON nested more than 128 levels deep"
  NO_FILE ${SURGE_CLI_DIR}/deep-auth-report.json)
surge_cli_test(diff_deep_report EXIT 2 ARGS diff ${SURGE_CLI_DIR}/deep-report.json ${SURGE_CLI_DIR}/deep-report.json
  STDOUT_EMPTY STDERR "^surge: [^\n]*deep-report\\.json:1:[0-9]+: JSON nested more than 160 levels deep")
surge_cli_test(run_set_duplicate_key EXIT 2 ARGS run ${SURGE_CLI_SCENARIOS}/baseline.json
  "--set=/users={\"count\": 1, \"count\": 2}" STDOUT_EMPTY STDERR "^surge: --set /users=[^\n]*: /count: duplicate key")

# surge replay: the conventions of surge run (seed, durations, output, -q), checked before a packet
# is sent. 192.0.2.1 (TEST-NET-1) without --yes is refused before any connection: a command line
# that gets that far was accepted. The runs against servers are tests/live's live.* tests.
if(TARGET surge_replay_command)
  set(live_small ${PROJECT_SOURCE_DIR}/tests/live/scenarios/small.json)
  set(remote --target http://192.0.2.1:8080 -q)
  surge_cli_test(replay_help EXIT 0 ARGS replay --help
    STDOUT "SCENARIO.*--target.*--protocol.*--time-scale.*--output.*--compare.*--set.*--seed.*--give-up-after.*--grace.*--quiet")
  surge_cli_test(replay_without_target EXIT 2 ARGS replay ${live_small} STDOUT_EMPTY STDERR "^surge: [^\n]*--target")
  surge_cli_test(replay_seed_negative EXIT 2 ARGS replay ${live_small} ${remote} --seed -1 STDOUT_EMPTY
    STDERR "^surge: --seed -1: expected a non-negative integer below 2\\^64")
  surge_cli_test(replay_seed_too_large EXIT 2 ARGS replay ${live_small} ${remote} --seed 18446744073709551616
    STDOUT_EMPTY STDERR "^surge: --seed 18446744073709551616: expected")
  surge_cli_test(replay_durations_accepted EXIT 2
    ARGS replay ${live_small} ${remote} --grace 1h --connect-timeout 1.5s --give-up-after 2m --batch-us 0.5ms --spin-us 0
    --seed 18446744073709551615 STDOUT_EMPTY STDERR "^surge: [^\n]*(loopback|--yes)")
  surge_cli_test(replay_duration_without_unit EXIT 2 ARGS replay ${live_small} ${remote} --grace 2 STDOUT_EMPTY
    STDERR "^surge: --grace 2: invalid duration \"2\": the unit is missing")
  surge_cli_test(replay_duration_negative EXIT 2 ARGS replay ${live_small} ${remote} --idle-timeout=-1s STDOUT_EMPTY
    STDERR "^surge: --idle-timeout -1s: invalid duration \"-1s\": durations cannot be negative")
  surge_cli_test(replay_batch_too_long EXIT 2 ARGS replay ${live_small} ${remote} --batch-us 1s STDOUT_EMPTY
    STDERR "^surge: --batch-us 1s: at most 100ms\n$")
  surge_cli_test(replay_bad_protocol EXIT 2 ARGS replay ${live_small} ${remote} --protocol mqtt STDOUT_EMPTY
    STDERR "^surge: --protocol: expected socketio or ws-json, found \"mqtt\"\n$")
  surge_cli_test(replay_unwritable_output EXIT 2 ARGS replay ${live_small} ${remote} --output /nonexistent-dir/x.json
    STDOUT_EMPTY STDERR "^surge: cannot write the report /nonexistent-dir/x\\.json: No such file or directory\n$")
  surge_cli_test(replay_bad_protocol_section EXIT 2 ARGS replay ${tool_bad}/protocol_bad_kind.json ${remote}
    STDOUT_EMPTY STDERR "^surge: [^\n]*protocol_bad_kind\\.json: /protocol/protocol: ")
  surge_cli_test(replay_bad_scenario EXIT 2 ARGS replay ${PROJECT_SOURCE_DIR}/tests/sim/bad/misspelt_key.json ${remote}
    STDOUT_EMPTY STDERR "^surge: [^\n]*misspelt_key\\.json: ")
endif()

if(EXISTS ${SURGE_CLI_SCENARIOS}/baseline.json)
  set(baseline ${SURGE_CLI_SCENARIOS}/baseline.json)
  # Bad overrides and output paths are found before the run: exit 2, no report, no summary.
  surge_cli_test(run_bad_set EXIT 2 ARGS run ${baseline} --set /server/workerz=3
    --output ${SURGE_CLI_DIR}/bad-set-report.json STDOUT_EMPTY
    STDERR "^surge: [^\n]*baseline\\.json: /server/workerz: unknown key; did you mean 'workers'\\?"
    NO_FILE ${SURGE_CLI_DIR}/bad-set-report.json)
  surge_cli_test(run_set_without_equals EXIT 2 ARGS run ${baseline} --set /server/workers STDOUT_EMPTY
    STDERR "^surge: [^\n]*--set /server/workers: expected POINTER=VALUE")
  surge_cli_test(run_set_bad_value EXIT 2 ARGS run ${baseline} --set /server/workers=-4 STDOUT_EMPTY
    STDERR "^surge: [^\n]*/server/workers")
  surge_cli_test(run_unwritable_output EXIT 2 ARGS run ${baseline} --output /nonexistent-dir/x.json STDOUT_EMPTY
    STDERR "^surge: cannot write the report /nonexistent-dir/x\\.json: No such file or directory\n$")
  surge_cli_test(run_output_is_a_directory EXIT 2 ARGS run ${baseline} --output ${SURGE_CLI_DIR} STDOUT_EMPTY
    STDERR "^surge: cannot write the report ")
  surge_cli_test(run_unwritable_trace EXIT 2 ARGS run ${baseline} --trace /nonexistent-dir/t.jsonl STDOUT_EMPTY
    STDERR "^surge: cannot write the trace /nonexistent-dir/t\\.jsonl: ")

  # Real runs: exit 0 or 1 (never 2, never a crash), the report and trace written.
  surge_cli_test(run_baseline_quiet EXIT "0|1" ARGS run ${baseline} --quiet --output ${SURGE_CLI_DIR}/baseline-report.json
    STDOUT "^baseline: (PASS|FAIL): [^\n]*\n$" FILE ${SURGE_CLI_DIR}/baseline-report.json)
  surge_cli_test(run_baseline_table EXIT "0|1" ARGS run ${baseline} --trace ${SURGE_CLI_DIR}/baseline-trace.jsonl
    STDOUT "^scenario baseline \\([^\n]*baseline\\.json\\)\n.*trace hash +[0-9a-f]+\n.*\nthresholds\n  (PASS|FAIL)  .*\nverdict: (PASS|FAIL): [^\n]*\n$"
    FILE ${SURGE_CLI_DIR}/baseline-trace.jsonl)
  surge_cli_test(run_set_override EXIT "0|1" ARGS run ${baseline} --set /duration=20s --set /drain=0s --seed 3
    STDOUT "\n  seed +3\n  virtual time +20\\.0 s\n")
  # surge golden's workflow (sim/golden.hpp) on a scratch directory: a missing file, writing it,
  # then checking against it; a name that is no scenario is bad input.
  file(MAKE_DIRECTORY ${SURGE_CLI_DIR}/golden-empty)
  set(golden_args --scenarios ${SURGE_CLI_SCENARIOS} baseline)
  surge_cli_test(golden_missing EXIT 1 ARGS golden --dir ${SURGE_CLI_DIR}/golden-empty ${golden_args}
    STDOUT "^golden baseline: MISSING: no golden file [^\n]*golden-empty/baseline\\.json\n  \\(write it with: surge golden --update --scenarios [^ \n]*/sim/scenarios --dir [^ \n]*/golden-empty baseline\\)\n$")
  surge_cli_test(golden_unknown_scenario EXIT 2 ARGS golden --dir ${SURGE_CLI_DIR}/golden-empty --scenarios ${SURGE_CLI_SCENARIOS}
    no-such-scenario STDOUT_EMPTY STDERR "^surge: no-such-scenario: no such scenario file, and no built-in scenario of that name in ")
  surge_cli_test(golden_update_writes EXIT 0 ARGS golden --update --dir ${SURGE_CLI_DIR}/golden-scratch ${golden_args}
    STDOUT "^golden baseline: written [^\n]*golden-scratch/baseline\\.json \\(trace hash [0-9a-f]+\\)\n$"
    FILE ${SURGE_CLI_DIR}/golden-scratch/baseline.json)
  surge_cli_test(golden_update_unchanged EXIT 0 ARGS golden --update --dir ${SURGE_CLI_DIR}/golden-scratch ${golden_args}
    STDOUT "^golden baseline: unchanged\n$")
  surge_cli_test(golden_check_written EXIT 0 ARGS golden --dir ${SURGE_CLI_DIR}/golden-scratch ${golden_args}
    STDOUT "^golden baseline: ok \\(trace hash [0-9a-f]+, [0-9]+ metrics\\)\n$")
  set_tests_properties(cli.golden_update_writes PROPERTIES FIXTURES_SETUP surge_golden_scratch)
  set_tests_properties(cli.golden_update_unchanged cli.golden_check_written PROPERTIES FIXTURES_REQUIRED surge_golden_scratch)
  add_test(NAME cli.report_deterministic
    COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DSCENARIO=${baseline}
      -DWORK_DIR=${SURGE_CLI_DIR}/determinism -P ${CMAKE_CURRENT_LIST_DIR}/compare_reports.cmake)
endif()

# The time series and the HTML report (issue 13): --csv and --html beside -o; `surge report` reads
# reports back into a page, and a file that is not a report is bad input (exit 2, named).
if(EXISTS ${SURGE_CLI_SCENARIOS}/db-slowdown.json)
  surge_cli_test(run_csv_html EXIT 1 ARGS run ${SURGE_CLI_SCENARIOS}/db-slowdown.json -q --csv series.csv
    --html ${SURGE_CLI_DIR}/run.html STDOUT "^db-slowdown: FAIL" FILE ${SURGE_CLI_DIR}/run.html)
  surge_cli_test(report_not_a_report EXIT 2 ARGS report ${SURGE_CLI_SCENARIOS}/db-slowdown.json -o ${SURGE_CLI_DIR}/page.html
    STDERR "db-slowdown.json: not a surge report" NO_FILE ${SURGE_CLI_DIR}/page.html)
  surge_cli_test(report_missing_file EXIT 2 ARGS report no-such-report.json -o ${SURGE_CLI_DIR}/page.html
    STDERR "no-such-report.json: cannot read" NO_FILE ${SURGE_CLI_DIR}/page.html)
endif()
