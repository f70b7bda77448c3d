// Golden values for families mt19937 and minstd from the C++ standard library's <random>
// -> Tests/SieveTests/Golden/cpp_random.json.
//
//   family mt19937 seed S = std::mt19937(S)      (init_genrand(S), raw 32-bit outputs)
//   family minstd  seed S = std::minstd_rand(S)  (state = S mod (2^31-1), 0 -> 1; the
//                  standard's "if c mod m == 0 and S mod m == 0 then state = 1" rule)
//
// What it checks first (aborts on mismatch): the standard's own known answers
// (10,000th output of default-seeded mt19937 = 4123659995, of minstd_rand = 399268537),
// mt19937(5489) first = 3499211612, mt19937(12345) = docs/reference-system.md TV-9 row, minstd(12345) =
// TV-8 row, minstd seeds 0 and 2^31-1 both start from state 1 (first output 48271), and that
// discard(n) agrees with calling the engine n times.
//
// Build and run (normally via Scripts/golden/generate.sh):
//   g++ -std=c++17 -O2 -o /tmp/cpp_random_golden Scripts/golden/cpp_random_golden.cpp
//   /tmp/cpp_random_golden > Tests/SieveTests/Golden/cpp_random.json
// Deterministic: the random 32-bit seeds come from std::mt19937(20261122).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Case {
    std::string family;
    std::uint64_t seed;
    std::uint64_t burn;
    std::uint64_t skip;
    std::vector<std::uint64_t> outputs;
    std::string note;
};

// out_{b+(j+1)(s+1)}, j = 0..count-1. Burn uses discard(); skips call the engine.
template <class Engine>
std::vector<std::uint64_t> stream(std::uint64_t seed, std::uint64_t burn, std::uint64_t skip, int count) {
    Engine engine(static_cast<typename Engine::result_type>(seed));
    engine.discard(burn);
    std::vector<std::uint64_t> out;
    for (int j = 0; j < count; ++j) {
        for (std::uint64_t i = 0; i < skip; ++i) engine();
        out.push_back(static_cast<std::uint64_t>(engine()));
    }
    return out;
}

// Same positions, stepping one call at a time (cross-check of discard()).
template <class Engine>
std::vector<std::uint64_t> stream_by_calls(std::uint64_t seed, std::uint64_t burn, std::uint64_t skip, int count) {
    Engine engine(static_cast<typename Engine::result_type>(seed));
    std::vector<std::uint64_t> out;
    std::uint64_t position = 0;
    for (int j = 0; j < count; ++j) {
        std::uint64_t target = burn + static_cast<std::uint64_t>(j + 1) * (skip + 1);
        std::uint64_t value = 0;
        while (position < target) {
            value = engine();
            ++position;
        }
        out.push_back(value);
    }
    return out;
}

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "golden self-check failed: %s\n", what);
        std::exit(1);
    }
}

template <class Engine>
Case make_case(const char* family, std::uint64_t seed, std::uint64_t burn, std::uint64_t skip, int count,
               const std::string& note) {
    std::vector<std::uint64_t> out = stream<Engine>(seed, burn, skip, count);
    require(out == stream_by_calls<Engine>(seed, burn, skip, count), "discard() == repeated calls");
    return Case{family, seed, burn, skip, out, note};
}

void self_test() {
    std::mt19937 mt_default;
    mt_default.discard(9999);
    require(mt_default() == 4123659995u, "std::mt19937 10,000th output");
    std::minstd_rand minstd_default;
    minstd_default.discard(9999);
    require(minstd_default() == 399268537u, "std::minstd_rand 10,000th output");

    require(stream<std::mt19937>(5489, 0, 0, 1) == std::vector<std::uint64_t>{3499211612u}, "mt19937(5489)");
    require(stream<std::mt19937>(5489, 9999, 0, 1) == std::vector<std::uint64_t>{4123659995u},
            "mt19937(5489) 10,000th");
    require(stream<std::minstd_rand>(1, 9999, 0, 1) == std::vector<std::uint64_t>{399268537u},
            "minstd(1) 10,000th");
    require(stream<std::mt19937>(12345, 0, 0, 5) ==
                std::vector<std::uint64_t>{3992670690u, 3823185381u, 1358822685u, 561383553u, 789925284u},
            "mt19937(12345) TV-9 row");
    require(stream<std::minstd_rand>(12345, 0, 0, 5) ==
                std::vector<std::uint64_t>{595905495u, 1558181227u, 1498755989u, 2021244883u, 887213142u},
            "minstd(12345) TV-8 row");
    require(stream<std::minstd_rand>(0, 0, 0, 1) == std::vector<std::uint64_t>{48271u}, "minstd(0) first");
    require(stream<std::minstd_rand>(2147483647u, 0, 0, 1) == std::vector<std::uint64_t>{48271u},
            "minstd(2^31-1) first");
}

std::string quote(const std::string& s) {
    std::string r = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') r += '\\';
        r += ch;
    }
    return r + "\"";
}

// Writes the shared golden layout (see Scripts/golden/golden_json.py).
std::string render(const std::string& source, const std::vector<Case>& cases) {
    std::ostringstream o;
    o << "{\n";
    o << "  \"source\": " << quote(source) << ",\n";
    o << "  \"generator\": " << quote("Scripts/golden/cpp_random_golden.cpp") << ",\n";
    o << "  \"cases\": [\n";
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const Case& c = cases[i];
        o << "    {\n";
        o << "      \"family\": " << quote(c.family) << ",\n";
        o << "      \"params\": {},\n";
        o << "      \"seed\": " << quote(std::to_string(c.seed)) << ",\n";
        o << "      \"burn\": " << c.burn << ",\n";
        o << "      \"skip\": " << c.skip << ",\n";
        o << "      \"outputs\": [";
        for (std::size_t j = 0; j < c.outputs.size(); ++j) {
            if (j > 0) o << ", ";
            o << quote(std::to_string(c.outputs[j]));
        }
        o << "],\n";
        o << "      \"note\": " << quote(c.note) << "\n";
        o << (i + 1 < cases.size() ? "    },\n" : "    }\n");
    }
    o << "  ]\n";
    o << "}\n";
    return o.str();
}

}  // namespace

int main() {
    self_test();

    std::mt19937 seed_source(20261122u);
    std::vector<std::uint64_t> mt_seeds = {0, 1, 42, 5489, 12345, 2147483648ull, 4294967295ull};
    for (int i = 0; i < 10; ++i) mt_seeds.push_back(seed_source());
    std::vector<std::uint64_t> minstd_seeds = {0, 1, 42, 12345, 2147483646ull, 2147483647ull, 2147483648ull,
                                               4294967295ull};
    for (int i = 0; i < 10; ++i) minstd_seeds.push_back(seed_source());

    const std::string mt_note = "std::mt19937(seed)";
    const std::string minstd_note = "std::minstd_rand(seed)";
    std::vector<Case> cases;
    for (std::uint64_t seed : mt_seeds) cases.push_back(make_case<std::mt19937>("mt19937", seed, 0, 0, 64, mt_note));
    for (std::uint64_t seed : {std::uint64_t{5489}, std::uint64_t{12345}, mt_seeds[7]}) {
        cases.push_back(make_case<std::mt19937>("mt19937", seed, 620, 3, 20, mt_note + ", crosses the 624-word twist"));
        cases.push_back(make_case<std::mt19937>("mt19937", seed, 1000, 0, 20, mt_note + ", second twist block"));
    }
    cases.push_back(make_case<std::mt19937>("mt19937", 5489, 9999, 0, 1, mt_note + ", 10,000th output (C++ KAT)"));
    require(cases.back().outputs[0] == 4123659995u, "10,000th output case");

    for (std::uint64_t seed : minstd_seeds) {
        std::string note = minstd_note;
        if (seed % 2147483647u == 0) note += ", seed = 0 mod (2^31-1) -> state 1";
        cases.push_back(make_case<std::minstd_rand>("minstd", seed, 0, 0, 64, note));
    }
    for (std::uint64_t seed : {std::uint64_t{12345}, minstd_seeds[8]}) {
        cases.push_back(make_case<std::minstd_rand>("minstd", seed, 7, 3, 32, minstd_note));
        cases.push_back(make_case<std::minstd_rand>("minstd", seed, 0, 5, 32, minstd_note));
    }
    cases.push_back(make_case<std::minstd_rand>("minstd", 1, 9999, 0, 1, minstd_note + ", 10,000th output (C++ KAT)"));
    require(cases.back().outputs[0] == 399268537u, "minstd 10,000th output case");

    std::string source = std::string("g++ ") + __VERSION__ + ", libstdc++ " + std::to_string(__GLIBCXX__) +
                         ", -std=c++17 -O2: std::mt19937, std::minstd_rand";
    std::fputs(render(source, cases).c_str(), stdout);
    std::fprintf(stderr, "cpp_random_golden: checks passed, %zu cases\n", cases.size());
    return 0;
}
