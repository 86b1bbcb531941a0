"""The Python side of scripts/bench: our package against githubkit.

Run by bench/run.py in a throwaway environment holding both; prints one JSON
object per measured client ({"case", "client", "times": [seconds], "cpu":
[seconds], "items", "id_sum", "name_chars", ...}). Every client reads `id`
and `name` of every item it returns; bench/run.py checks the sums against
the fixture.

githubkit is used as its documentation shows for many calls: one
`with GitHub(...)` block around all of them (outside it, githubkit builds a
new HTTP client for every request), and `github.rest.paginate` to list
every item (see bench/README.md for the references).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any, Callable, Iterable

import ghpackages
from githubkit import GitHub

Work = tuple[int, int, int]  # items, sum of ids, characters of every name


def work_of(items: Iterable[Any]) -> Work:
    count = id_sum = name_chars = 0
    for item in items:
        count += 1
        id_sum += item.id
        name_chars += len(item.name)
    return count, id_sum, name_chars


def repeat(body: Callable[[], Work], reps: int, warmup: bool) -> tuple[list[float], list[float], Work]:
    """Seconds and CPU seconds of each repetition of `body`, and the work it
    answered, which must be the same every time."""
    if warmup:
        body()
    times: list[float] = []
    cpu: list[float] = []
    seen = None
    for _ in range(reps):
        cpu_start = time.process_time()
        start = time.perf_counter()
        work = body()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        if seen is not None and seen != work:
            raise SystemExit(f"the answer changed between repetitions: {seen} then {work}")
        seen = work
    return times, cpu, seen or (0, 0, 0)


def emit(case: str, client: str, measured: tuple[list[float], list[float], Work], **extra: object) -> None:
    times, cpu, (items, id_sum, name_chars) = measured
    row = {"case": case, "client": client, "times": times, "cpu": cpu,
           "items": items, "id_sum": id_sum, "name_chars": name_chars, **extra}
    print(json.dumps(row), flush=True)


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
    parser.add_argument("--concurrency", type=int, default=8, help="our pages in flight")
    args = parser.parse_args()

    ours = ghpackages.Client(
        args.token, base_url=args.base, token_from_env=False, page_concurrency=args.concurrency
    ).org(args.org)
    # githubkit's HTTP cache would answer repetitions from memory; the bench
    # measures requests.
    with GitHub(args.token, base_url=args.base, http_cache=False) as github:
        if args.case == "list-versions":
            def ours_versions() -> Work:
                return work_of(ours.list_all_package_versions(args.package_type, args.package))

            def theirs_versions() -> Work:
                return work_of(github.rest.paginate(
                    github.rest.packages.get_all_package_versions_for_package_owned_by_org,
                    package_type=args.package_type,
                    package_name=args.package,
                    org=args.org,
                    per_page=100,
                ))

            emit(args.case, "python ours", repeat(ours_versions, args.reps, args.warmup),
                 concurrency=args.concurrency)
            emit(args.case, "python githubkit", repeat(theirs_versions, args.reps, args.warmup),
                 concurrency=1)
        elif args.case == "list-packages":
            def ours_packages() -> Work:
                return work_of(ours.list_all_packages(args.package_type))

            def theirs_packages() -> Work:
                return work_of(github.rest.paginate(
                    github.rest.packages.list_packages_for_organization,
                    org=args.org,
                    package_type=args.package_type,
                    per_page=100,
                ))

            emit(args.case, "python ours", repeat(ours_packages, args.reps, args.warmup),
                 concurrency=args.concurrency)
            emit(args.case, "python githubkit", repeat(theirs_packages, args.reps, args.warmup),
                 concurrency=1)
        else:
            def ours_get() -> Work:
                return work_of(ours.get_package(args.package_type, args.package) for _ in range(args.calls))

            emit(args.case, "python ours", repeat(ours_get, args.reps, args.warmup), calls=args.calls)


if __name__ == "__main__":
    main()
