"""Shared writer and validator for the golden-value JSON files.

Every golden file (whichever language produced it) uses exactly this layout, so the
Java and C++ generators implement the same few formatting rules by hand:

    {
      "source": "...",
      "generator": "Scripts/golden/<script>",
      "cases": [
        {
          "family": "java_lcg",
          "params": {} or {"a": "5", "c": "3"},
          "seed": "12345",
          "burn": 0,
          "skip": 0,
          "outputs": ["454757875", "3428499331"],
          "note": "optional"
        }
      ]
    }

2-space indentation; "params" and "outputs" on one line with ", " / ": " separators;
seeds, params values and outputs are decimal strings; burn and skip are integers;
the file ends with a single newline. Strings are plain ASCII (no escapes needed).
"""

import json

FAMILIES = {
    # family -> (seed bits, output bits)
    "xorshift32": (32, 32),
    "xorshift64": (64, 64),
    "xorshift128": (32, 32),
    "pcg32": (32, 32),
    "lcg32": (32, 32),
    "java_lcg": (64, 32),
    "minstd": (32, 31),
    "mt19937": (32, 32),
    "xoshiro256pp": (64, 64),
    "philox4x32": (64, 32),
    "sfc64": (64, 64),
}


def _s(text):
    return json.dumps(text, ensure_ascii=True)


def render(source, generator, cases):
    """Render a golden document. cases: list of dicts with keys family, params (dict of
    str->str, insertion order kept), seed (int), burn, skip, outputs (list of int), note (optional)."""
    lines = ["{",
             "  \"source\": %s," % _s(source),
             "  \"generator\": %s," % _s(generator),
             "  \"cases\": ["]
    for i, case in enumerate(cases):
        params = ", ".join("%s: %s" % (_s(k), _s(str(v))) for k, v in case["params"].items())
        outputs = ", ".join(_s(str(int(v))) for v in case["outputs"])
        body = [
            "      \"family\": %s" % _s(case["family"]),
            "      \"params\": {%s}" % params,
            "      \"seed\": %s" % _s(str(int(case["seed"]))),
            "      \"burn\": %d" % case["burn"],
            "      \"skip\": %d" % case["skip"],
            "      \"outputs\": [%s]" % outputs,
        ]
        if case.get("note"):
            body.append("      \"note\": %s" % _s(case["note"]))
        lines.append("    {")
        lines.append(",\n".join(body))
        lines.append("    }" + ("," if i + 1 < len(cases) else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def stream_positions(burn, skip, count):
    """1-based stream indices recorded for (burn, skip, count): out_{b+(j+1)(s+1)}."""
    return [burn + (j + 1) * (skip + 1) for j in range(count)]


def take(next_output, burn, skip, count):
    """Apply the burn/skip model to a zero-argument callable returning successive outputs."""
    for _ in range(burn):
        next_output()
    result = []
    for _ in range(count):
        for _ in range(skip):
            next_output()
        result.append(next_output())
    return result
