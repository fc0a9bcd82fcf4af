# tests/sim/run_check.cmake — runs one command and checks its exit code and output (cmake -P).
#
#   cmake -DCOMMAND=prog|arg|arg -DEXPECT_EXIT=2 [-DEXPECT_STDERR_REGEX=...] [-DEXPECT_STDOUT_REGEX=...]
#         [-DEXPECT_STDOUT_EMPTY=ON] [-DEXPECT_FILE=path] [-DEXPECT_NO_FILE=path] [-DREMOVE_FIRST=path]
#         [-DWORKING_DIRECTORY=dir] -P run_check.cmake
#
# COMMAND and EXPECT_EXIT separate their items with '|' (a ';' would be split by add_test). Every
# line on stderr must start with "surge: " unless
# STDERR_ANY=ON. tests/CMakeLists.txt includes every tests/sim/*.cmake while configuring; this
# file only does something when run as a script.
if(NOT CMAKE_SCRIPT_MODE_FILE OR NOT CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  return()
endif()
cmake_minimum_required(VERSION 3.22)

if(NOT DEFINED COMMAND OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "run_check.cmake: COMMAND and EXPECT_EXIT are required")
endif()
string(REPLACE "|" ";" cmd "${COMMAND}")
string(REPLACE "|" ";" allowed "${EXPECT_EXIT}")
if(NOT DEFINED WORKING_DIRECTORY)
  set(WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
endif()
if(DEFINED REMOVE_FIRST)
  file(REMOVE "${REMOVE_FIRST}")
endif()

execute_process(COMMAND ${cmd}
  WORKING_DIRECTORY "${WORKING_DIRECTORY}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)

set(failures "")
if(NOT rc IN_LIST allowed)
  string(APPEND failures "exit: expected ${EXPECT_EXIT}, got '${rc}'\n")
endif()
if(DEFINED EXPECT_STDERR_REGEX AND NOT err MATCHES "${EXPECT_STDERR_REGEX}")
  string(APPEND failures "stderr does not match: ${EXPECT_STDERR_REGEX}\n")
endif()
if(DEFINED EXPECT_STDOUT_REGEX AND NOT out MATCHES "${EXPECT_STDOUT_REGEX}")
  string(APPEND failures "stdout does not match: ${EXPECT_STDOUT_REGEX}\n")
endif()
if(EXPECT_STDOUT_EMPTY AND NOT out STREQUAL "")
  string(APPEND failures "stdout is not empty\n")
endif()
if(NOT STDERR_ANY AND NOT err MATCHES "^(surge: [^\n]*\n)*$")
  string(APPEND failures "a stderr line does not start with 'surge: ' (or the last one lacks its newline)\n")
endif()
if(DEFINED EXPECT_FILE AND NOT EXISTS "${EXPECT_FILE}")
  string(APPEND failures "${EXPECT_FILE} was not written\n")
endif()
if(DEFINED EXPECT_NO_FILE AND EXISTS "${EXPECT_NO_FILE}")
  string(APPEND failures "${EXPECT_NO_FILE} exists but should not\n")
endif()

if(NOT failures STREQUAL "")
  message(FATAL_ERROR "${failures}--- command: ${cmd}\n--- exit: ${rc}\n--- stdout:\n${out}\n--- stderr:\n${err}")
endif()
