# tests/sim/limits.cmake — CTest registrations for the work limits of `surge validate` and
# `surge run` (docs/scenarios.md, "Limits"): a scenario whose estimate is beyond them is refused
# with exit 2 before anything runs, --force accepts it, --verbose prints the estimate. The
# scenarios are tests/sim/limits/; surge_cli_test is defined by cli.cmake.
if(NOT COMMAND surge_cli_test)
  return()
endif()
set(limits_dir ${CMAKE_CURRENT_LIST_DIR}/limits)

surge_cli_test(validate_beyond_event_limit EXIT 2 ARGS validate ${limits_dir}/days-of-load.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*days-of-load\\.json: the run would take about [^\n]* events, above the limit of 10\\.0G [^\n]*--force runs it anyway")
surge_cli_test(validate_beyond_memory_limit EXIT 2 ARGS validate ${limits_dir}/billion-users.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*billion-users\\.json: the run would take [^\n]*GB of memory, above this machine's ")
surge_cli_test(validate_force EXIT 0 ARGS validate --force ${limits_dir}/days-of-load.json
  STDOUT "days-of-load\\.json: ok \\(days-of-load, ")
surge_cli_test(validate_verbose EXIT 0 ARGS validate --verbose ${SURGE_CLI_SCENARIOS}/baseline.json
  STDOUT "baseline\\.json: ok \\(baseline[^\n]*\n  estimate: about [0-9.]+k events and [0-9.]+ MB of memory \\([^\n]* connections, [^\n]* requests")
# surge run refuses before opening the report: no file is written.
surge_cli_test(run_beyond_event_limit EXIT 2 ARGS run ${limits_dir}/days-of-load.json
  --output ${SURGE_CLI_DIR}/days-of-load-report.json STDOUT_EMPTY
  STDERR "^surge: [^\n]*days-of-load\\.json: the run would take about [^\n]* events"
  NO_FILE ${SURGE_CLI_DIR}/days-of-load-report.json)
surge_cli_test(run_verbose EXIT "0|1" ARGS run --verbose --quiet ${SURGE_CLI_SCENARIOS}/suite/websocket/connection-scaling.json
  STDERR "^surge: [^\n]*connection-scaling\\.json: estimate: about [0-9]+ events and ")
