# sim/run.hpp included alone: run() must be defined for a program that includes nothing else
# (issue 11, item 7). A separate executable, so no other translation unit can supply run().
add_executable(surge_run_header_check sim/run_header_check.cpp)
target_link_libraries(surge_run_header_check PRIVATE surge::sim surge_warnings)
add_test(NAME sim.run_header_alone COMMAND surge_run_header_check)
