#!/usr/bin/env python3
"""Checks that every file a README includes is shown verbatim: a fenced
block right after `<!-- include: PATH -->` (PATH relative to the README) must
equal the file. The included files are tests and scripts that run in their
language's suite, so the README shows code that runs. EXPECTED lists, per
README, the files it must include, in order: a marker deleted (or a block
whose fence no longer follows its marker) is a failure, not a block silently
left unchecked, and a new include is added to the list. Standard library
only; exits non-zero with one line per problem."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "README.md": [
        "python/examples/testing/cleanup_untagged.py",
        "python/examples/testing/test_cleanup_untagged.py",
    ],
    "python/README.md": [
        "examples/testing/cleanup_untagged.py",
        "examples/testing/test_cleanup_untagged.py",
    ],
    "node/README.md": [
        "examples/testing/cleanup-untagged.mjs",
        "examples/testing/cleanup-untagged.test.mjs",
    ],
    "crates/ghpackages-emulator/README.md": [
        "tests/readme_in_process.rs",
        "../ghpackages/tests/offline_cleanup_script.rs",
    ],
}
MARKER = re.compile(r"^<!-- include: (\S+) -->$", re.M)
INCLUDE = re.compile(r"^<!-- include: (\S+) -->\n```[a-z]*\n(.*?)^```$", re.S | re.M)


def check(name: str, text: str, expected: list[str]) -> list[str]:
    problems = []
    markers = MARKER.findall(text)
    if markers != expected:
        problems.append(f"{name}: includes {markers}, expected {expected} (tests/readme_includes.py)")
    includes = INCLUDE.findall(text)
    for path in sorted(set(markers) - {path for path, _ in includes}):
        problems.append(f"{name}: the include of {path} is not followed by a fenced block")
    for path, shown in includes:
        file = (ROOT / name).parent / path
        if not file.is_file():
            problems.append(f"{name}: includes {path}, which does not exist")
        elif file.read_text() != shown:
            problems.append(f"{name}: the block of {path} differs from the file; copy it again")
    return problems


def main() -> int:
    problems = []
    for name, expected in EXPECTED.items():
        problems += check(name, (ROOT / name).read_text(), expected)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        count = sum(len(paths) for paths in EXPECTED.values())
        print(f"readme includes: {count} included files shown verbatim in {len(EXPECTED)} READMEs")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
