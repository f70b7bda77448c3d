#!/usr/bin/env python3
"""Validate the golden files in Tests/SieveTests/Golden/ (run last by generate.sh).

For every *.json file there it checks:
  * layout: the file is byte-identical to golden_json.render() of its own parsed content
    (so the Java, C++ and Python writers really produce one format), keys in order;
  * schema: known family, decimal-string seed/params/outputs, integer burn/skip >= 0,
    seed within the family's seed width, every output below 2^(output width);
  * agreement: the outputs of every case produced by an external implementation (JDK, C++
    <random>, numpy) equal those of the plain-Python reference in families_reference.py,
    i.e. the independent implementations and the Python reference agree value for value.

Run:  python3 Scripts/golden/check_golden.py [GOLDEN_DIR]
"""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_json import FAMILIES, render  # noqa: E402
import families_reference as ref  # noqa: E402

CASE_KEYS = ["family", "params", "seed", "burn", "skip", "outputs"]


def fail(path, msg):
    sys.stderr.write("check_golden: %s: %s\n" % (path, msg))
    sys.exit(1)


def is_decimal(s):
    return isinstance(s, str) and s.isdigit() and (s == "0" or not s.startswith("0"))


def check_file(path):
    with open(path, encoding="ascii") as f:
        text = f.read()
    doc = json.loads(text)
    if list(doc) != ["source", "generator", "cases"]:
        fail(path, "top-level keys %r" % list(doc))
    if not os.path.isfile(os.path.join(os.path.dirname(__file__), "..", "..", doc["generator"])):
        fail(path, "generator %r does not exist" % doc["generator"])
    cases = []
    for i, case in enumerate(doc["cases"]):
        keys = list(case)
        if keys != CASE_KEYS and keys != CASE_KEYS + ["note"]:
            fail(path, "case %d keys %r" % (i, keys))
        family = case["family"]
        if family not in FAMILIES:
            fail(path, "case %d unknown family %r" % (i, family))
        seed_bits, out_bits = FAMILIES[family]
        if not is_decimal(case["seed"]) or int(case["seed"]) >> seed_bits:
            fail(path, "case %d bad seed %r" % (i, case["seed"]))
        if not all(is_decimal(v) for v in case["params"].values()):
            fail(path, "case %d bad params %r" % (i, case["params"]))
        for key in ("burn", "skip"):
            if type(case[key]) is not int or case[key] < 0:
                fail(path, "case %d bad %s" % (i, key))
        if not case["outputs"] or not all(is_decimal(v) for v in case["outputs"]):
            fail(path, "case %d bad outputs" % i)
        width = out_bits
        if family == "lcg32" and case["params"].get("m") not in (None, "2147483647"):
            width = 32  # m = 0 (2^32) or other moduli below 2^32
        if any(int(v) >> width for v in case["outputs"]):
            fail(path, "case %d output wider than %d bits" % (i, width))
        cases.append({"family": family, "params": case["params"], "seed": int(case["seed"]),
                      "burn": case["burn"], "skip": case["skip"],
                      "outputs": [int(v) for v in case["outputs"]], "note": case.get("note")})
    if render(doc["source"], doc["generator"], cases) != text:
        fail(path, "layout differs from golden_json.render()")
    if not doc["generator"].endswith("families_reference.py"):
        for i, case in enumerate(cases):
            want = ref.outputs(case["family"], case["seed"], case["burn"], case["skip"],
                               len(case["outputs"]), case["params"])
            if want != case["outputs"]:
                fail(path, "case %d (%s seed %d) disagrees with families_reference.py" %
                     (i, case["family"], case["seed"]))
    return len(cases)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    golden_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Tests", "SieveTests", "Golden")
    names = sorted(n for n in os.listdir(golden_dir) if n.endswith(".json"))
    if not names:
        fail(golden_dir, "no golden files")
    for name in names:
        n = check_file(os.path.join(golden_dir, name))
        sys.stderr.write("check_golden: %-24s %4d cases OK\n" % (name, n))


if __name__ == "__main__":
    main()
