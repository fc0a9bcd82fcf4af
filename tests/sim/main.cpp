// The one translation unit that holds Boost.Test's runner for the scenario-layer suites
// (linked against the shared Boost.Test library; BOOST_TEST_DYN_LINK comes from CMake).
#define BOOST_TEST_MODULE surge_sim
#include <boost/test/unit_test.hpp>
