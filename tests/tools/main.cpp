// The one translation unit that holds Boost.Test's runner for the tools' suites: what tools/ owns
// and builds without the replay's Beast translation unit (linked against the shared Boost.Test
// library; BOOST_TEST_DYN_LINK comes from CMake).
#define BOOST_TEST_MODULE surge_tools
#include <boost/test/unit_test.hpp>
