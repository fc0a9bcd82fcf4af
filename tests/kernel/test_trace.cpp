// The trace hash: fixed known values, sensitivity to every field, and the JSON-lines writer.
#include <boost/test/unit_test.hpp>

#include <surge/trace.hpp>

#include <sstream>

using namespace surge;

BOOST_AUTO_TEST_SUITE(trace_tests)

BOOST_AUTO_TEST_CASE(hash_is_a_fixed_function_of_the_records) {
    trace a;
    trace b;
    for (trace* t : {&a, &b}) {
        t->kernel_event(time_point::from_ns(5), 7);
        t->record(time_point::from_ns(9), "deliver", 3, 120, 64);
    }
    BOOST_TEST(a.hash() == b.hash());
    BOOST_TEST(a.hash_hex().size() == 16u);
    // A golden value: changing the hash function changes every golden trace in tests/golden.
    trace_hash h;
    h.add(1);
    h.add(2);
    BOOST_TEST(to_hex(h.value()) == "8fe9dbf56b19d54a");
    BOOST_TEST(to_hex(trace_hash{}.value()) == "5eb6cd59097ac738");
    BOOST_TEST(trace_hash::of("") == 0xcbf29ce484222325ULL);
    BOOST_TEST(trace_hash::of("a") == 0xaf63dc4c8601ec8cULL);  // FNV-1a test vector
}

BOOST_AUTO_TEST_CASE(every_field_matters) {
    const auto one = [](std::int64_t t, const char* kind, std::uint64_t entity, std::int64_t x, std::int64_t y) {
        trace tr;
        tr.record(time_point::from_ns(t), kind, entity, x, y);
        return tr.hash();
    };
    const auto base = one(1, "k", 2, 3, 4);
    BOOST_TEST(one(2, "k", 2, 3, 4) != base);
    BOOST_TEST(one(1, "j", 2, 3, 4) != base);
    BOOST_TEST(one(1, "k", 3, 3, 4) != base);
    BOOST_TEST(one(1, "k", 2, 4, 4) != base);
    BOOST_TEST(one(1, "k", 2, 3, 5) != base);
    // order matters
    trace ab, ba;
    ab.kernel_event(time_point::from_ns(1), 1);
    ab.kernel_event(time_point::from_ns(1), 2);
    ba.kernel_event(time_point::from_ns(1), 2);
    ba.kernel_event(time_point::from_ns(1), 1);
    BOOST_TEST(ab.hash() != ba.hash());
}

BOOST_AUTO_TEST_CASE(json_lines_writer) {
    std::ostringstream out;
    trace tr;
    tr.write_to(&out);
    tr.record(time_point::from_ns(1500), "drop \"x\"", 4, -1, 2);
    BOOST_TEST(out.str() == "{\"t\":1500,\"kind\":\"drop \\\"x\\\"\",\"entity\":4,\"a\":-1,\"b\":2}\n");
    BOOST_TEST(tr.records() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
