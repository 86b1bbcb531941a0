#!/usr/bin/env python3
"""Checks that every file a README includes is shown verbatim: a fenced
block right after `<!-- include: PATH -->` (PATH relative to the README) must
equal the file. The included files are tests and scripts that run in their
language's suite, so the README shows code that runs. Each README listed
here must include at least one file. Standard library only; exits non-zero
with one line per problem."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READMES = [
    "README.md",
    "python/README.md",
    "node/README.md",
    "crates/ghpackages-emulator/README.md",
]
INCLUDE = re.compile(r"^<!-- include: (\S+) -->\n```[a-z]*\n(.*?)^```$", re.S | re.M)


def main() -> int:
    problems = []
    count = 0
    for name in READMES:
        readme = ROOT / name
        includes = INCLUDE.findall(readme.read_text())
        if not includes:
            problems.append(f"{name}: includes no file")
        for path, shown in includes:
            count += 1
            file = readme.parent / path
            if not file.is_file():
                problems.append(f"{name}: includes {path}, which does not exist")
            elif file.read_text() != shown:
                problems.append(f"{name}: the block of {path} differs from the file; copy it again")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"readme includes: {count} included files shown verbatim in {len(READMES)} READMEs")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
