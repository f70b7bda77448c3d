#!/usr/bin/env python3
"""msl-lint: the MSL rules of docs/msl-rules.md that the strict compile cannot enforce alone.

Usage: Scripts/msl/msl-lint.py [--clang PATH] [--quiet] [UNIT.metal ...]
       (no unit: every Shaders/*.metal)

Two kinds of checks, both over the shader source as written:

- Text rules, on each unit and every file it includes with quotes, comments and string literals
  removed: no exceptions, no RTTI or virtual functions, no `double`, no 64-bit atomics, no dynamic
  allocation. The strict compile rejects each of these too where the code is instantiated; the
  text rules also see code that no kernel instantiates yet, and say which rule was broken.
- Rules on the call graph and the frames, read from the LLVM IR that clang produces from the unit
  in the strict compile's dialect (C++ for OpenCL with the strict prelude, at -O0 so that nothing
  is inlined or removed): no recursion (clang's OpenCL mode accepts it; Metal does not), and each
  kernel's private arrays within its budget. A kernel's private arrays are the `alloca`s whose
  type holds an array (arrays, and structs with an array member: what a GPU compiler cannot keep
  in registers once it is indexed at run time), summed along the deepest call path from the
  kernel; scalars and small structs are left out, since they can live in registers.
- A rule on the AST (clang's dump of the same compile): every pointer and reference names its
  address space. An unqualified one is OpenCL's generic address space in the strict dialect,
  which accepts every other space and so would hide a mismatch; MSL has no generic space.

Every kernel states its budget in a comment just before it:

    // msl-lint: private-memory-budget 8192
    kernel void sieve_streamed(...)

A kernel without one is an error. The lint prints one table row per kernel and exits 1 when any
rule is broken (each violation as FILE:LINE: rule: message; a unit that does not compile in the
strict dialect is the violation `strict-compile`), 2 when clang is missing.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STRICT_INCLUDE = os.path.join(ROOT, "Scripts", "msl", "strict")



def dialect():
    """The strict compile's flags (Scripts/msl/strict/clang-flags, shared with strict-compile.sh)."""
    with open(os.path.join(STRICT_INCLUDE, "clang-flags"), encoding="utf-8") as f:
        flags = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    return flags + ["-I", STRICT_INCLUDE]


# MARK: - Text rules

TEXT_RULES = [
    ("exceptions", re.compile(r"\b(throw|try|catch|noexcept\s*\(\s*false)\b"),
     "exceptions do not exist in MSL"),
    ("rtti", re.compile(r"\b(typeid|dynamic_cast|virtual)\b"),
     "no RTTI and no virtual functions in MSL (virtual calls are indirect calls)"),
    ("double", re.compile(r"\bdouble\b"),
     "Apple GPUs have no double precision; use float, or integers"),
    ("atomic64", re.compile(r"\batomic_u?long\b|\batomic\s*<\s*(u?long|u?int64_t|long\s+long|unsigned\s+long)\b"),
     "device atomics are 32-bit on Apple GPUs (docs/metal.md §3)"),
    ("allocation", re.compile(r"\b(new|delete)\b|\b(malloc|calloc|realloc|free|alloca)\s*\("),
     "no dynamic allocation in a kernel: sizes are fixed at compile time"),
]

BUDGET = re.compile(r"//\s*msl-lint:\s*private-memory-budget\s+(\d+)")
KERNEL = re.compile(r"\bkernel\s+void\s+([A-Za-z_]\w*)\s*\(")
QUOTED_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip_comments_and_strings(text):
    """The text with comments and string/char literals blanked, line breaks kept (lines stay put)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else text[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def included_files(unit):
    """The unit and every file it includes with quotes, transitively, each once."""
    seen, order, stack = set(), [], [os.path.abspath(unit)]
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        order.append(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for name in QUOTED_INCLUDE.findall(text):
            stack.append(os.path.normpath(os.path.join(os.path.dirname(path), name)))
    return order


def text_violations(path):
    with open(path, encoding="utf-8") as f:
        code = strip_comments_and_strings(f.read())
    found = []
    for number, line in enumerate(code.split("\n"), start=1):
        for rule, pattern, why in TEXT_RULES:
            match = pattern.search(line)
            if match:
                found.append((path, number, rule, f"`{match.group(0).strip()}`: {why}"))
    return found


def budgets(paths):
    """Kernel name -> (budget in bytes or None, file, line), from the comment before each kernel."""
    result = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        pending = None
        for number, line in enumerate(lines, start=1):
            budget = BUDGET.search(line)
            if budget:
                pending = int(budget.group(1))
                continue
            kernel = KERNEL.search(strip_comments_and_strings(line))
            if kernel:
                result[kernel.group(1)] = (pending, path, number)
                pending = None
            elif line.strip() and not line.lstrip().startswith("//"):
                pending = None  # the budget comment must sit right above its kernel
    return result

# MARK: - IR: types, frames, calls


def split_top(body):
    """Splits a type list at top-level commas."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(body):
        if c in "{[<(":
            depth += 1
        elif c in "}]>)":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    if body[start:].strip():
        parts.append(body[start:].strip())
    return parts


class Types:
    """Sizes and alignments of LLVM IR types (spir64: 64-bit pointers, natural alignment)."""

    SCALARS = {"i1": 1, "i8": 1, "i16": 2, "i32": 4, "i64": 8, "i128": 16, "half": 2, "float": 4,
               "double": 8, "ptr": 8}

    def __init__(self, ir):
        self.named = {}
        for match in re.finditer(r"^(%[\w.\"$:<>,\- ]+?) = type (.*)$", ir, re.M):
            self.named[match.group(1)] = match.group(2).strip()

    def layout(self, t):
        t = t.strip()
        if t in self.SCALARS:
            return self.SCALARS[t], self.SCALARS[t], False
        if t.startswith("ptr"):
            return 8, 8, False
        if t in self.named:
            return self.layout(self.named[t])
        array = re.fullmatch(r"\[(\d+) x (.*)\]", t)
        if array:
            size, align, _ = self.layout(array.group(2))
            return int(array.group(1)) * size, align, True
        vector = re.fullmatch(r"<(\d+) x (.*)>", t)
        if vector:
            size, _, _ = self.layout(vector.group(2))
            total = int(vector.group(1)) * size
            return total, total, False
        packed = t.startswith("<{")
        body = t[2:-2] if packed else t[1:-1] if t.startswith("{") else None
        if body is None:
            raise ValueError(f"unknown IR type {t}")
        offset, max_align, has_array = 0, 1, False
        for member in split_top(body):
            size, align, member_array = self.layout(member)
            align = 1 if packed else align
            offset = (offset + align - 1) // align * align + size
            max_align = max(max_align, align)
            has_array = has_array or member_array
        return (offset + max_align - 1) // max_align * max_align, max_align, has_array


class Function:
    def __init__(self, symbol, is_kernel, debug_id):
        self.symbol = symbol
        self.is_kernel = is_kernel
        self.debug_id = debug_id
        self.array_bytes = 0
        self.callees = set()


def parse_ir(ir):
    types = Types(ir)
    functions = {}
    current = None
    for line in ir.split("\n"):
        if line.startswith("define "):
            symbol = re.search(r'@("[^"]+"|[\w.$]+)\(', line).group(1)
            debug = re.search(r"!dbg (!\d+)", line)
            current = Function(symbol, " spir_kernel " in line, debug.group(1) if debug else None)
            functions[symbol] = current
        elif line.startswith("}"):
            current = None
        elif current is not None:
            alloca = re.search(r"= alloca (.+?)(, align \d+)?(, !dbg.*)?$", line)
            if alloca:
                size, _, has_array = types.layout(alloca.group(1))
                if has_array:
                    current.array_bytes += size
                continue
            # Direct calls only: the strict compile already rejects function pointers and virtual
            # functions, the only sources of indirect calls.
            call = re.search(r"\b(?:call|invoke)\b[^@%]*?@([\w.$]+)\(", line)
            if call and not call.group(1).startswith("llvm."):
                current.callees.add(call.group(1))
    # Debug info: the source name and line of each function.
    subprograms = {}
    for match in re.finditer(r'^(!\d+) = distinct !DISubprogram\(name: "([^"]*)".*?line: (\d+)', ir, re.M):
        subprograms[match.group(1)] = (match.group(2), int(match.group(3)))
    return functions, subprograms


def frame_bytes(functions, symbol, memo):
    """Private-array bytes of `symbol` plus the deepest of its callees (the graph is acyclic here)."""
    if symbol in memo:
        return memo[symbol]
    f = functions.get(symbol)
    if f is None:
        memo[symbol] = 0
        return 0
    memo[symbol] = 0  # placeholder; cycles are reported before this runs
    deepest = max((frame_bytes(functions, c, memo) for c in f.callees), default=0)
    memo[symbol] = f.array_bytes + deepest
    return memo[symbol]


def find_cycle(functions, start):
    """A call cycle reachable from `start`, as a list of symbols, or None."""
    state, path = {}, []

    def visit(symbol):
        state[symbol] = 1
        path.append(symbol)
        for callee in sorted(functions[symbol].callees) if symbol in functions else []:
            if state.get(callee) == 1:
                return path[path.index(callee):] + [callee]
            if callee not in state:
                cycle = visit(callee)
                if cycle:
                    return cycle
        path.pop()
        state[symbol] = 2
        return None

    return visit(start)


def compile_ir(clang, unit):
    """The unit's LLVM IR in the strict dialect, or None (and clang's diagnostics) if it does not compile."""
    command = [clang] + dialect() + ["-S", "-emit-llvm", "-O0", "-g", "-Wno-atomic-alignment",
                                     "-o", "-", unit]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr
    return result.stdout, ""

# MARK: - AST: pointers and references with no address space


def generic_declarations(clang, unit):
    """(file, line, declaration) of each pointer or reference written without an address space.

    In the strict dialect such a pointer gets OpenCL's generic address space, which converts from
    every other one and so would hide the very mismatch the strict compile exists to find; MSL has
    no generic space and asks for the address space to be written. Read from clang's AST dump,
    skipping what the compiler declares implicitly (copy constructors take generic references).
    """
    command = [clang] + dialect() + ["-fsyntax-only", "-Xclang", "-ast-dump", "-fno-color-diagnostics", unit]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return []
    found, skip_depth, file, line = [], None, unit, 0
    for text in result.stdout.split("\n"):
        start = re.search(r"[A-Za-z]", text)
        if not start:
            continue
        depth, body = start.start(), text[start.start():]
        # The dump prints a location only when it changes: track the last file and line seen.
        location = re.search(r"<([^<>,]+)", body)
        if location:
            full = re.match(r"(.+?\.(?:metal|h)):(\d+):\d+$", location.group(1))
            short = re.match(r"line:(\d+):\d+$", location.group(1))
            if full:
                file, line = full.group(1), int(full.group(2))
            elif short:
                line = int(short.group(1))
        if skip_depth is not None:
            if depth > skip_depth:
                continue
            skip_depth = None
        kind = body.split(" ")[0]
        if kind.endswith("Decl") and re.search(r"\bimplicit\b", body):
            skip_depth = depth
            continue
        if kind in ("ParmVarDecl", "VarDecl", "FieldDecl"):
            types = re.findall(r"'([^']*)'", body)
            if types and "__generic" in types[0]:
                name = re.search(r"(\w+) '", body)
                found.append((file, line, f"{name.group(1) if name else '?'} of type {types[0]}"))
    return found


# MARK: - Main


def lint(clang, units, quiet):
    violations, rows = [], []
    for unit in units:
        files = included_files(unit)
        for path in files:
            violations += text_violations(path)
        stated = budgets(files)
        ir, diagnostics = compile_ir(clang, unit)
        if ir is None:
            # The text rules above still say what is wrong; the graph and frame rules need IR.
            first = diagnostics.strip().split("\n")[0] if diagnostics.strip() else "clang failed"
            violations.append((unit, 0, "strict-compile",
                               f"does not compile in the strict dialect, so calls and frames were not "
                               f"checked (Scripts/msl/strict-compile.sh shows why): {first}"))
            continue
        functions, subprograms = parse_ir(ir)
        for path, line, declaration in generic_declarations(clang, unit):
            violations.append((path, line, "address-space",
                               f"{declaration}: a pointer or reference must name its address space "
                               "(thread, device, constant or threadgroup)"))

        def where(symbol):
            f = functions.get(symbol)
            name, line = subprograms.get(f.debug_id, (symbol, 0)) if f else (symbol, 0)
            return name, line

        reported_cycles = set()
        for symbol, f in sorted(functions.items()):
            if not f.is_kernel:
                continue
            cycle = find_cycle(functions, symbol)
            if cycle:
                names = [where(s)[0] for s in cycle]
                key = frozenset(cycle)
                if key not in reported_cycles:
                    reported_cycles.add(key)
                    violations.append((unit, where(cycle[0])[1], "recursion",
                                       f"call cycle {' -> '.join(names)} (reached from kernel {symbol}); "
                                       "MSL forbids recursion"))
                continue
            used = frame_bytes(functions, symbol, {})
            budget, path, line = stated.get(symbol, (None, unit, 0))
            if budget is None:
                violations.append((path, line, "private-memory",
                                   f"kernel {symbol} states no budget "
                                   "(add `// msl-lint: private-memory-budget BYTES` above it)"))
                status = "no budget"
            elif used > budget:
                violations.append((path, line, "private-memory",
                                   f"kernel {symbol} holds {used} bytes of private arrays, over its budget of {budget}"))
                status = "OVER"
            else:
                status = "ok"
            rows.append((os.path.basename(unit), symbol, used, budget, status))

    if not quiet:
        print(f"{'unit':<16} {'kernel':<22} {'private arrays (B)':>18} {'budget (B)':>10}  status")
        for unit, kernel, used, budget, status in rows:
            shown = "-" if budget is None else str(budget)
            print(f"{unit:<16} {kernel:<22} {used:>18} {shown:>10}  {status}")
    for path, line, rule, message in violations:
        print(f"{os.path.relpath(path, os.getcwd())}:{line}: {rule}: {message}")
    return 1 if violations else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clang", default=os.environ.get("CLANG") or shutil.which("clang"))
    parser.add_argument("--quiet", action="store_true", help="print violations only, no table")
    parser.add_argument("units", nargs="*")
    args = parser.parse_args()
    if not args.clang:
        sys.stderr.write("msl-lint: clang not found on PATH (it ships with the Swift toolchain)\n")
        return 2
    units = args.units or sorted(
        os.path.join(ROOT, "Shaders", name) for name in os.listdir(os.path.join(ROOT, "Shaders"))
        if name.endswith(".metal"))
    return lint(args.clang, units, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
