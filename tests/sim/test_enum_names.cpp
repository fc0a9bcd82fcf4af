// The enum <-> name tables (models/enum_names.hpp, beside each enum in models/params.hpp and
// sim/threshold.hpp; the replay's protocol enums are tested in tests/tools): every enumerator has
// exactly one name and nothing else
// has one, names round-trip through name_of / enum_from_name and through the loader, and the
// table — not the declaration order — decides which string means which enumerator.
#include <boost/test/unit_test.hpp>

#include <sim/load.hpp>
#include <sim/threshold.hpp>

#include <models/enum_names.hpp>
#include <models/params.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace models = surge::models;
namespace sim = surge::sim;
using nlohmann::json;

namespace {

// One "is this a declared enumerator" per enum. There is no default: -Wswitch (an error in this
// build) rejects the switch when an enumerator is added to the enum but not here, so a new
// enumerator cannot go untested.
bool declared(models::backoff_params::jitter_kind k) {
    using e = models::backoff_params::jitter_kind;
    switch (k) {
    case e::none: case e::full: case e::equal: return true;
    }
    return false;
}
bool declared(models::slow_consumer_policy k) {
    using e = models::slow_consumer_policy;
    switch (k) {
    case e::drop_newest: case e::drop_oldest: case e::disconnect: return true;
    }
    return false;
}
bool declared(models::offline_drop_policy k) {
    using e = models::offline_drop_policy;
    switch (k) {
    case e::oldest: case e::newest: return true;
    }
    return false;
}
bool declared(models::priority_class k) {
    using e = models::priority_class;
    switch (k) {
    case e::low: case e::normal: case e::high: case e::critical: return true;
    }
    return false;
}
bool declared(models::target_kind k) {
    using e = models::target_kind;
    switch (k) {
    case e::user: case e::users: case e::broadcast: return true;
    }
    return false;
}
bool declared(models::load_phase::kind k) {
    using e = models::load_phase::kind;
    switch (k) {
    case e::open: case e::closed: return true;
    }
    return false;
}
bool declared(models::load_phase::arrivals k) {
    using e = models::load_phase::arrivals;
    switch (k) {
    case e::poisson: case e::uniform: return true;
    }
    return false;
}
bool declared(models::fault::kind k) {
    using e = models::fault::kind;
    switch (k) {
    case e::db_slowdown: case e::db_outage: case e::disconnect_storm: case e::latency_spike: case e::worker_loss: return true;
    }
    return false;
}
bool declared(sim::threshold::op k) {
    using e = sim::threshold::op;
    switch (k) {
    case e::lt: case e::le: case e::gt: case e::ge: case e::eq: case e::ne: return true;
    }
    return false;
}

/// Every value of the enum's (8-bit) underlying type: a declared enumerator has exactly one row,
/// any other value none; names are distinct and round-trip.
template <class Enum>
void check_table(const char* what) {
    static_assert(sizeof(Enum) == 1, "the walk below covers 8-bit enums");
    BOOST_TEST_CONTEXT(what) {
        const auto table = enum_names(Enum{});
        for (unsigned u = 0; u < 256; ++u) {
            const auto e = static_cast<Enum>(u);  // walking the value space, not mapping a name
            const auto rows = std::count_if(table.begin(), table.end(), [&](const auto& row) { return row.value == e; });
            BOOST_TEST(rows == (declared(e) ? 1 : 0), "value " << u);
        }
        std::set<std::string> names;
        for (const auto& row : table) {
            BOOST_TEST(!row.name.empty());
            BOOST_TEST(names.insert(std::string(row.name)).second, "name " << row.name << " appears twice");
            BOOST_TEST(models::name_of(row.value) == row.name);
            BOOST_TEST((models::enum_from_name<Enum>(row.name) == row.value));
            // The loader's generic read gives the same enumerator.
            const sim::load_detail::context c{"t.json", {}};
            BOOST_TEST((sim::load_detail::read_enum<Enum>(c, json(std::string(row.name)), "/x") == row.value));
        }
        BOOST_TEST(!models::enum_from_name<Enum>("no such name").has_value());
        BOOST_TEST(models::names_of<Enum>().size() == table.size());
    }
}

std::string error_of(const std::string& text) {
    try {
        (void)sim::load_scenario_text(text, "t.json");
    } catch (const sim::input_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

// A table in another order than its enum's declaration, as a reordered table or enum would be.
namespace shuffled {
enum class colour : std::uint8_t { red, green, blue };
constexpr auto enum_names(colour) noexcept {
    return std::to_array<models::enum_name<colour>>({{colour::blue, "blue"}, {colour::red, "red"}, {colour::green, "green"}});
}
static_assert(models::is_one_to_one(enum_names(colour{})));
} // namespace shuffled

BOOST_AUTO_TEST_SUITE(enum_names_tests)

BOOST_AUTO_TEST_CASE(every_enumerator_has_exactly_one_name) {
    check_table<models::backoff_params::jitter_kind>("jitter_kind");
    check_table<models::slow_consumer_policy>("slow_consumer_policy");
    check_table<models::offline_drop_policy>("offline_drop_policy");
    check_table<models::priority_class>("priority_class");
    check_table<models::target_kind>("target_kind");
    check_table<models::load_phase::kind>("load_phase::kind");
    check_table<models::load_phase::arrivals>("load_phase::arrivals");
    check_table<models::fault::kind>("fault::kind");
    check_table<sim::threshold::op>("threshold::op");
}

BOOST_AUTO_TEST_CASE(the_names_scenarios_use) {
    // Independent of the tables: the spellings documented in docs/scenarios.md.
    BOOST_TEST(models::name_of(models::slow_consumer_policy::drop_oldest) == "drop_oldest");
    BOOST_TEST(models::name_of(models::offline_drop_policy::newest) == "newest");
    BOOST_TEST(models::name_of(models::priority_class::critical) == "critical");
    BOOST_TEST(models::name_of(models::target_kind::users) == "users");
    BOOST_TEST(models::name_of(models::fault::kind::latency_spike) == "latency_spike");
    BOOST_TEST(models::name_of(sim::threshold::op::ne) == "!=");
    BOOST_TEST((models::names_of<models::priority_class>() == std::vector<std::string>{"low", "normal", "high", "critical"}));
}

BOOST_AUTO_TEST_CASE(the_table_not_the_declaration_order_decides) {
    using shuffled::colour;
    const sim::load_detail::context c{"t.json", {}};
    // By position, "red" (row 1) would be green (value 1): the row's enumerator is what counts.
    BOOST_TEST((sim::load_detail::read_enum<colour>(c, json("red"), "/x") == colour::red));
    BOOST_TEST((sim::load_detail::read_enum<colour>(c, json("blue"), "/x") == colour::blue));
    BOOST_TEST((sim::load_detail::read_enum<colour>(c, json("green"), "/x") == colour::green));
    BOOST_TEST(models::name_of(colour::green) == "green");
    BOOST_TEST((models::names_of<colour>() == std::vector<std::string>{"blue", "red", "green"}));
    // Messages list the names in the table's order and still suggest the near miss.
    std::string message;
    try {
        (void)sim::load_detail::read_enum<colour>(c, json("gren"), "/x");
    } catch (const sim::input_error& e) {
        message = e.what();
    }
    BOOST_TEST(message == "t.json: /x: expected one of \"blue\", \"red\", \"green\", found \"gren\"; did you mean \"green\"?");
}

BOOST_AUTO_TEST_CASE(scenario_strings_map_through_the_tables) {
    const std::string head = R"({"name": "e", "duration": "60s", )";
    const auto load = [&](const std::string& rest) { return sim::load_scenario_text(head + rest + "}", "t.json").scenario; };
    for (const auto& row : enum_names(models::offline_drop_policy{})) {
        const auto sc = load(R"("load": [{"at": "0s", "rate": "1/s"}], "offline_queue": {"drop": ")" + std::string(row.name) + "\"}");
        BOOST_TEST((sc.offline_queue.drop == row.value));
    }
    for (const auto& row : enum_names(models::slow_consumer_policy{})) {
        const auto sc = load(R"("load": [{"at": "0s", "rate": "1/s"}], "server": {"slow_consumer": ")" + std::string(row.name) + "\"}");
        BOOST_TEST((sc.server.slow_consumer == row.value));
    }
    for (const auto& row : enum_names(models::target_kind{})) {
        const auto sc = load(R"("load": [{"at": "0s", "rate": "1/s", "target": ")" + std::string(row.name) + "\"}]");
        BOOST_TEST((sc.load[0].target == row.value));
    }
    for (const auto& row : enum_names(models::priority_class{})) {
        const auto sc = load(R"("load": [{"at": "0s", "rate": "1/s", "priority": ")" + std::string(row.name) + "\"}]");
        std::vector<double> want(4, 0.0);
        want[static_cast<std::size_t>(row.value)] = 1;  // priority_weights is indexed by enumerator value
        BOOST_TEST(sc.load[0].priority_weights == want, row.name);
    }
    const auto sc = load(R"("load": [{"at": "0s", "rate": "1/s", "priority": {"high": 3, "low": 1}}])");
    BOOST_TEST(sc.load[0].priority_weights == (std::vector<double>{1, 0, 3, 0}));
    BOOST_TEST(error_of(head + R"("load": [{"at": "0s", "rate": "1/s", "arrivals": "poison"}]})") ==
               "t.json: /load/0/arrivals: expected one of \"poisson\", \"uniform\", found \"poison\"; did you mean \"poisson\"?");
    BOOST_TEST(error_of(head + R"("load": [{"at": "0s", "rate": "1/s", "priority": {"urgent": 1}}]})") ==
               "t.json: /load/0/priority/urgent: unknown key; allowed: low, normal, high, critical");
}

BOOST_AUTO_TEST_SUITE_END()
