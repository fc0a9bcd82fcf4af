// The one translation unit that holds Boost.Test's runner for the model suites, which see
// models/ and the kernel only (linked against the shared Boost.Test library; BOOST_TEST_DYN_LINK comes from CMake).
#define BOOST_TEST_MODULE surge_models
#include <boost/test/unit_test.hpp>
