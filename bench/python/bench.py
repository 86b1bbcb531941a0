"""The Python side of scripts/bench: our package against githubkit.

Run by bench/run.py in a throwaway environment holding both; prints one JSON
object per measured client ({"case", "client", "times": [seconds], ...}).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Callable

import ghpackages
from githubkit import GitHub


def repeat(body: Callable[[], int], reps: int, warmup: bool) -> tuple[list[float], int]:
    """Seconds of each repetition of `body`, and the item count it answered."""
    if warmup:
        body()
    times: list[float] = []
    seen = None
    for _ in range(reps):
        start = time.perf_counter()
        items = body()
        times.append(time.perf_counter() - start)
        if seen is not None and seen != items:
            raise SystemExit(f"item count changed between repetitions: {seen} then {items}")
        seen = items
    return times, seen or 0


def emit(case: str, client: str, times: list[float], **extra: object) -> None:
    print(json.dumps({"case": case, "client": client, "times": times, **extra}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["list-versions", "list-packages", "get-package"])
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--org", required=True)
    parser.add_argument("--package")
    parser.add_argument("--package-type", default="npm")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", action="store_true")
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()

    ours = ghpackages.Client(args.token, base_url=args.base, token_from_env=False).org(args.org)
    # githubkit's HTTP cache would answer repetitions from memory; the bench
    # measures requests.
    theirs = GitHub(args.token, base_url=args.base, http_cache=False)

    if args.case == "list-versions":
        def ours_versions() -> int:
            return len(ours.list_all_package_versions(args.package_type, args.package))

        def theirs_versions() -> int:
            versions = theirs.rest.paginate(
                theirs.rest.packages.get_all_package_versions_for_package_owned_by_org,
                package_type=args.package_type,
                package_name=args.package,
                org=args.org,
                per_page=100,
            )
            return sum(1 for _ in versions)

        for client, body in [("python ours", ours_versions), ("python githubkit", theirs_versions)]:
            times, items = repeat(body, args.reps, args.warmup)
            emit(args.case, client, times, items=items)
    elif args.case == "list-packages":
        def ours_packages() -> int:
            return len(ours.list_all_packages(args.package_type))

        def theirs_packages() -> int:
            packages = theirs.rest.paginate(
                theirs.rest.packages.list_packages_for_organization,
                org=args.org,
                package_type=args.package_type,
                per_page=100,
            )
            return sum(1 for _ in packages)

        for client, body in [("python ours", ours_packages), ("python githubkit", theirs_packages)]:
            times, items = repeat(body, args.reps, args.warmup)
            emit(args.case, client, times, items=items)
    else:
        def ours_get() -> int:
            for _ in range(args.calls):
                ours.get_package(args.package_type, args.package)
            return args.calls

        times, _ = repeat(ours_get, args.reps, args.warmup)
        emit(args.case, "python ours", times, calls=args.calls)


if __name__ == "__main__":
    main()
