#!/usr/bin/env python3
"""Checks the table of names in the top-level README against what each
language exports: the Rust owner handle (crates/ghpackages/src/client/handle.rs)
and cleanup module, the Python stubs (python/ghpackages/_native.pyi), the
Node declarations (node/index.d.ts) and the C header (include/ghpackages.h).

Both ways: every name in the table exists, each row follows the case rule
(Node is the Python name in camelCase, C is `ghpackages_` + the Python name),
and every operation those surfaces export on an owner is in the table.
Standard library only; exits non-zero with one line per problem.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NO_C = "– (no streams in C)"
# C functions that are a row's operation with more arguments (options as
# JSON, a progress callback): the README's table names the plain function.
C_VARIANTS = ("_with_options", "_with_progress")


def c_base(name: str) -> str:
    for suffix in C_VARIANTS:
        name = name.removesuffix(suffix)
    return name


def table() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- names:start -->")[1].split("<!-- names:end -->")[0]
    rows = []
    for line in section.strip().splitlines()[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def block(text: str, start: str) -> str:
    """The lines of `text` from `start` to the next line at the same indent."""
    lines = text[text.index(start) :].splitlines()
    body = [lines[0]]
    for line in lines[1:]:
        if line and not line[0].isspace() and line != "}":
            break
        body.append(line)
    return "\n".join(body)


def main() -> int:
    rows = table()
    handle = (ROOT / "crates/ghpackages/src/client/handle.rs").read_text()
    cleanup = (ROOT / "crates/ghpackages/src/cleanup/mod.rs").read_text()
    stubs = (ROOT / "python/ghpackages/_native.pyi").read_text()
    dts = (ROOT / "node/index.d.ts").read_text()
    header = (ROOT / "include/ghpackages.h").read_text()

    rust_methods = set(re.findall(r"pub (?:async )?fn (\w+)\(\s*&self", handle)) - {"owner", "client", "package", "org", "user", "me"}
    py_owner = block(stubs, "class Owner:")
    py_methods = set(re.findall(r"^    def (\w+)\(", py_owner, re.M)) - {"__repr__"}
    py_all = set(re.findall(r"def (\w+)\(", stubs))
    node_owner = block(dts, "export declare class Owner")
    node_methods = set(re.findall(r"^  (\w+)\(", node_owner, re.M))
    node_all = set(re.findall(r"(\w+)\(", dts))
    c_functions = set(re.findall(r"\b(ghpackages_\w+)\(", header))
    c_owner_functions = {
        name
        for name, params in re.findall(r"\b(ghpackages_\w+)\(([^;]*?)\);", header, re.S)
        if "ghpackages_owner" in params
    }

    problems = []
    seen = {"rust": set(), "python": set(), "node": set(), "c": set()}
    for operation, rust, python, node, c in rows:
        if node != camel(python):
            problems.append(f"{operation}: Node {node} is not {camel(python)}")
        if c != NO_C and c_base(c).removeprefix("ghpackages_") != python:
            problems.append(f"{operation}: C {c} is not ghpackages_{python}")
        if rust.startswith("cleanup::"):
            if not re.search(rf"\b{rust.removeprefix('cleanup::')}\b", cleanup):
                problems.append(f"{operation}: Rust {rust} is not exported by the cleanup module")
        else:
            if rust != python:
                problems.append(f"{operation}: Rust {rust} is not {python}")
            if rust not in rust_methods:
                problems.append(f"{operation}: Rust OwnerHandle has no {rust}")
        if python not in py_all:
            problems.append(f"{operation}: the Python stubs have no {python}")
        if node not in node_all:
            problems.append(f"{operation}: index.d.ts has no {node}")
        if c != NO_C and c not in c_functions:
            problems.append(f"{operation}: the C header has no {c}")
        seen["rust"].add(rust)
        seen["python"].add(python)
        seen["node"].add(node)
        seen["c"].add(c)
    for language, exported in [
        ("Rust OwnerHandle", rust_methods - seen["rust"]),
        ("Python Owner", py_methods - seen["python"]),
        ("Node Owner", node_methods - seen["node"]),
        ("C", {f for f in c_owner_functions if c_base(f) not in seen["c"]}),
    ]:
        for name in sorted(exported):
            problems.append(f"{language} exports {name}, which the README's table lacks")
    for problem in problems:
        print(f"names: {problem}", file=sys.stderr)
    if not problems:
        print(f"names: the README's table ({len(rows)} operations) matches Rust, Python, Node and C")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
