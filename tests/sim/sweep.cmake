# tests/sim/sweep.cmake — `surge sweep` and `surge plan` run by CTest: the issue's plan on the
# built-in db-slowdown scenario (exact answers: the runs are deterministic), bad input (exit 2),
# and the same sweep.json from 1 thread, 2 threads and (with SURGE_WITH_MPI) 3 MPI ranks.
# Included while configuring; run as a script (cmake -P) it does the comparison (MODE=compare).
if(CMAKE_SCRIPT_MODE_FILE AND CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  # Runs the same sweep as a reference (-j 1) and as RUNNER (e.g. "-j|2" or "mpirun|-np|3|...|SURGE"),
  # then compares the two sweep.json files without their "wall" object (wall-clock facts).
  cmake_minimum_required(VERSION 3.22)
  set(args sweep ${SCENARIO} --vary /server/workers=8,16,20 --vary /load/0/rate=200/s..300/s:100/s --seeds 2 -q)
  execute_process(COMMAND ${SURGE} ${args} -j 1 -o ${DIR}/sweep-ref.json RESULT_VARIABLE rc1 OUTPUT_QUIET)
  string(REPLACE "|" ";" runner "${RUNNER}")
  string(REPLACE "SURGE" "${SURGE}" runner "${runner}")
  if(runner MATCHES "^-j")
    set(cmd ${SURGE} ${args} ${runner})
  else()
    set(cmd ${runner} ${args})
  endif()
  execute_process(COMMAND ${cmd} -o ${DIR}/sweep-other.json RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2 ERROR_VARIABLE err2)
  if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
    message(FATAL_ERROR "sweep exit codes ${rc1} and ${rc2}\n${out2}\n${err2}")
  endif()
  file(READ ${DIR}/sweep-ref.json a)
  file(READ ${DIR}/sweep-other.json b)
  string(JSON ranks GET "${b}" wall ranks)
  if(DEFINED EXPECT_RANKS AND NOT ranks EQUAL EXPECT_RANKS)
    message(FATAL_ERROR "the sweep ran on ${ranks} ranks, expected ${EXPECT_RANKS}")
  endif()
  string(JSON points LENGTH "${a}" points)
  if(NOT points EQUAL 6)
    message(FATAL_ERROR "expected 6 points, found ${points}")
  endif()
  string(JSON a REMOVE "${a}" wall)
  string(JSON b REMOVE "${b}" wall)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "the two sweep.json files differ (beyond \"wall\"): ${DIR}/sweep-ref.json ${DIR}/sweep-other.json")
  endif()
  message(STATUS "identical sweep.json: 6 points, ranks ${ranks}")
  return()
endif()

if(NOT TARGET surge_cli)
  return()
endif()
set(db ${PROJECT_SOURCE_DIR}/sim/scenarios/db-slowdown.json)

# The issue's command. db-slowdown's description: 8 workers fail, 16 are not enough, 20 pass; the
# search finds 17 (16 fails operations.latency p99 in 4 of 5 seeds).
surge_cli_test(plan_db_slowdown_workers EXIT 0 ARGS plan ${db} --minimize /server/workers --range 1..64
  STDOUT "the smallest /server/workers in 1..64 that meets every threshold in all 5 seeds: 17\n  16 fails: .*\n.* 8 +fail +0/5.* 20 +pass +5/5")
surge_cli_test(plan_db_slowdown_none EXIT 1 ARGS plan ${db} --minimize /server/workers --range 1..12 -q
  STDOUT "in 1..12 that meets every threshold in all 5 seeds: none \\(12 fails\\)")
surge_cli_test(plan_max_load EXIT 0 ARGS plan ${db} --set /server/workers=20 --max-load /load/0/rate --range 10/s..100000/s -q
  STDOUT "the highest /load/0/rate in 10/s..100000/s that meets every threshold in all 5 seeds: 348.9/s\n  352.7/s fails: .*\n  knee: [^\n]* between 352.7/s and 356.6/s")
surge_cli_test(plan_both_modes EXIT 2 ARGS plan ${db} --minimize /server/workers --max-load /load/0/rate --range 1..4 STDOUT_EMPTY
  STDERR "^surge: .*excludes")
surge_cli_test(plan_range_kind EXIT 2 ARGS plan ${db} --max-load /load/0/rate --range 1..4 STDOUT_EMPTY
  STDERR "^surge: --range 1..4: --max-load searches rates")
surge_cli_test(plan_bad_pointer EXIT 2 ARGS plan ${db} --minimize /server/wokers --range 1..4 STDOUT_EMPTY
  STDERR "^surge: at the point /server/wokers=1: .*wokers")
surge_cli_test(sweep_no_axes EXIT 2 ARGS sweep ${db} STDOUT_EMPTY STDERR "^surge: nothing to vary")
surge_cli_test(sweep_empty_axis EXIT 2 ARGS sweep ${db} --vary /server/workers= STDOUT_EMPTY
  STDERR "^surge: --vary /server/workers=: no values after '='")
surge_cli_test(sweep_range_without_step EXIT 2 ARGS sweep ${db} --vary /load/0/rate=100/s..200/s STDOUT_EMPTY
  STDERR "^surge: --vary /load/0/rate=100/s..200/s: a range of rates needs a step")
surge_cli_test(sweep_bad_value EXIT 2 ARGS sweep ${db} --vary /server/workers=4,-1 STDOUT_EMPTY
  STDERR "^surge: at the point /server/workers=-1: .*/server/workers")
surge_cli_test(sweep_zip_lengths EXIT 2 ARGS sweep ${db} --zip /server/workers=4,8 --zip /database/pool_size=10,20,30 STDOUT_EMPTY
  STDERR "^surge: --zip /database/pool_size: 3 values, but --zip /server/workers has 2")
surge_cli_test(sweep_too_many_points EXIT 2 ARGS sweep ${db} --vary /server/workers=1..1000 --vary /database/pool_size=1..1000 STDOUT_EMPTY
  STDERR "^surge: the sweep has 1000000 points, more than 100000")
surge_cli_test(sweep_grid EXIT 0 ARGS sweep ${db} --vary /server/workers=8,20 --zip /load/0/rate=200/s,300/s --zip /database/pool_size=10,20 --seeds 2
  STDOUT "/server/workers +/load/0/rate +/database/pool_size +verdict.*\n +[0-9] +20 +[23]00/s .*sweep db-slowdown: 4 points x 2 seeds: 2 pass, 0 mixed, 2 fail")

add_test(NAME cli.sweep_jobs_identical
  COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DSCENARIO=${db} -DDIR=${SURGE_CLI_DIR} "-DRUNNER=-j|2"
          -DEXPECT_RANKS=1 -P ${CMAKE_CURRENT_LIST_FILE})
if(SURGE_WITH_MPI)
  find_program(SURGE_MPIRUN mpirun)
  if(SURGE_MPIRUN)
    # CI runs as root; --oversubscribe: 3 ranks on 2 cores.
    add_test(NAME cli.mpi_sweep
      COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DSCENARIO=${db} -DDIR=${SURGE_CLI_DIR}/mpi
              "-DRUNNER=${SURGE_MPIRUN}|-np|3|--oversubscribe|--allow-run-as-root|SURGE" -DEXPECT_RANKS=3 -P ${CMAKE_CURRENT_LIST_FILE})
    file(MAKE_DIRECTORY ${SURGE_CLI_DIR}/mpi)
  endif()
endif()
