#!/usr/bin/env python3
"""Runs the benchmark cases against one emulator and writes the results table.

Called by scripts/bench, which builds or installs the programs first;
standard library only. Every listing and call row reports what the client
read of the items it returned (count, sum of ids, characters of names); the
run fails when one differs from what the generated fixture holds, so no
client is ranked for doing less. The table goes to stdout and to --out,
written whole by this one run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
ORG = "bench-org"
USER = "bench"
TOKEN = "ghp_bench_token"
ADMIN_TOKEN = "bench-admin"
# What the emulator waits before every answer in the "real network" cases:
# a round trip to api.github.com from outside its data centre.
NETWORK_MS = 50
# Pages our clients and the concurrent raw loop keep in flight (the core's
# default, set explicitly so the table states what was measured).
PAGE_CONCURRENCY = 8
PER_PAGE = 100
# GitHub's secondary limit on one endpoint: points per minute, a write's cost.
POINTS_PER_MINUTE = 900
WRITE_COST = 5
TIME_FACTOR = 60

LISTED_ID = 101
LISTED_VERSION_BASE_ID = 5_000_000
APP_BASE_ID = 10_000


@dataclass
class Sizes:
    """The data and repetitions of one mode."""

    versions: int  # versions of the listed package (case 1)
    packages: int  # packages of the organization (case 2)
    deletes: int  # versions deleted then restored at 0 ms (case 3)
    network_deletes: int  # the same at NETWORK_MS (one at a time costs a round trip each)
    faulty: int  # versions listed with a 500 half way (case 3b)
    reps: int  # rounds of the listings and calls at 0 ms
    network_reps: int  # rounds at NETWORK_MS
    slow_reps: int  # repetitions of cleanup and 3b
    warmup: bool
    calls: int  # get_package calls per repetition at 0 ms (case 4)
    network_calls: int  # the same at NETWORK_MS
    wrk_seconds: int  # load per request in case 5
    org_deletes: int  # versions deleted over ORG_PACKAGES packages in one run (case 6)
    org_time_factor: float  # the emulator's rate-limit speed-up in case 6


FULL = Sizes(10_000, 1_000, 1_000, 200, 100_000, 7, 5, 3, True, 2_000, 20, 10, 25_000, 120.0)
# Quick deletes 200: more than one window's worth, so the minimum is not zero.
QUICK = Sizes(1_000, 150, 200, 16, 2_000, 1, 1, 1, False, 100, 4, 1, 2_000, 600.0)

CASES = ["1", "2", "3", "3b", "4", "5", "6"]
# Cases 1, 2 and 4 compare with the Python and Node peers; the others run the
# Rust core alone.
PEER_CASES = {"1", "2", "4"}
ORG_PACKAGES = 40
ORG_KEEP = 10  # newest versions of each org package kept


def org_deletes(sizes: Sizes) -> list[int]:
    """Deletions per org package: two sizes in turn, summing to org_deletes."""
    per = sizes.org_deletes // ORG_PACKAGES
    step = per * 16 // 25
    return [per - step if n % 2 == 0 else per + step for n in range(ORG_PACKAGES)]


def listed_versions(sizes: Sizes) -> list[dict[str, Any]]:
    """The listed package's versions, with explicit ids so that the expected
    sums come from the fixture rather than from the emulator's numbering."""
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return [
        {
            "id": LISTED_VERSION_BASE_ID + n,
            "name": f"1.0.{n}",
            "created_at": (start + datetime.timedelta(minutes=n - 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tags": [f"build-{n}"],
        }
        for n in range(1, sizes.versions + 1)
    ]


def fixture(sizes: Sizes) -> dict[str, Any]:
    """The emulator's data: one organization whose admin owns the bench token."""

    def generated(name: str, count: int, version_name: str) -> dict[str, Any]:
        return {
            "owner": ORG,
            "package_type": "npm",
            "name": name,
            "visibility": "private",
            "generate": {
                "count": count,
                "name": version_name,
                "start": "2024-01-01T00:00:00Z",
                "interval_seconds": 60,
                "tags": ["build-{n}"],
            },
        }

    packages: list[dict[str, Any]] = [
        {"owner": ORG, "package_type": "npm", "name": "listed", "id": LISTED_ID,
         "visibility": "private", "versions": listed_versions(sizes)},
        # A version more than the deletes: the newest is never deleted.
        generated("pruned", sizes.deletes + 1, "2.0.{n}"),
        generated("faulty", sizes.faulty, "3.0.{n}"),
    ]
    packages += [
        generated(f"org-{n:02d}", deletes + ORG_KEEP, "4.0.{n}") for n, deletes in enumerate(org_deletes(sizes))
    ]
    packages += [
        {"owner": ORG, "package_type": "container", "name": f"app-{n:05d}", "id": APP_BASE_ID + n,
         "visibility": "private", "versions": [{"name": f"sha256:{n:064x}"}]}
        for n in range(sizes.packages)
    ]
    return {
        "users": [{"login": USER, "name": "Bench"}],
        "orgs": [{"login": ORG, "members": [{"login": USER, "role": "admin"}]}],
        "tokens": [
            {
                "token": TOKEN,
                "user": USER,
                "scopes": ["read:packages", "write:packages", "delete:packages", "repo"],
            }
        ],
        "packages": packages,
    }


Work = tuple[int, int, int]  # items, sum of ids, characters of every name


def expected_work(sizes: Sizes) -> dict[str, Work]:
    """What every client must read, per case (per call for get-package)."""
    versions = listed_versions(sizes)
    return {
        "list-versions": (len(versions), sum(v["id"] for v in versions), sum(len(v["name"]) for v in versions)),
        "list-packages": (
            sizes.packages,
            sum(APP_BASE_ID + n for n in range(sizes.packages)),
            sum(len(f"app-{n:05d}") for n in range(sizes.packages)),
        ),
        "get-package": (1, LISTED_ID, len("listed")),
    }


class Emulator:
    """A running emulator process with the bench fixture, limits off."""

    def __init__(self, binary: Path, fixture_path: Path, workdir: Path) -> None:
        self.stderr = open(workdir / "emulator.err", "wb")
        self.process = subprocess.Popen(
            [
                str(binary),
                "--port", "0",
                "--fixture", str(fixture_path),
                "--admin-token", ADMIN_TOKEN,
                "--no-rate-limits",
            ],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            sys.exit(f"bench: the emulator did not start: {(workdir / 'emulator.err').read_text()}")
        self.base = line

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.stderr.close()


@dataclass
class Row:
    case: str
    client: str
    times: list[float]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu(self) -> float:
        return statistics.median(self.extra["cpu"]) if self.extra.get("cpu") else math.nan


def run_json(command: list[str], env: Optional[dict[str, str]] = None, cwd: Optional[Path] = None) -> list[dict[str, Any]]:
    """Runs a bench program; the JSON objects it printed, one a line."""
    print("  $", " ".join(_shown(command)), file=sys.stderr, flush=True)
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"bench: {command[0]} failed ({result.returncode})")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def _shown(command: list[str]) -> list[str]:
    return ["<token>" if part == TOKEN else part for part in command]


def rows_of(objects: list[dict[str, Any]], **extra: Any) -> list[Row]:
    rows = []
    for obj in objects:
        case = obj.pop("case")
        client = obj.pop("client")
        times = obj.pop("times")
        rows.append(Row(case, client, times, {**obj, **extra}))
    return rows


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_hours(seconds: float) -> str:
    """GitHub time: hours and minutes, or minutes and seconds."""
    if seconds >= 3600:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def spread(times: list[float]) -> str:
    """min–max around the median, in percent."""
    median = statistics.median(times)
    if len(times) < 2 or median == 0:
        return "–"
    return f"−{(median - min(times)) / median * 100:.0f}% / +{(max(times) - median) / median * 100:.0f}%"


def timed(row: Row) -> str:
    return f"{fmt_seconds(row.median)} ({spread(row.times)})"


def faster(theirs: float, ours: float) -> str:
    """How many times faster ours is, in words either way."""
    return f"{theirs / ours:.1f}× faster" if ours <= theirs else f"{ours / theirs:.1f}× slower"


# Ours, the peer in the same language, and the raw loop at each client's concurrency.
PEERS = {"python ours": "python githubkit", "node ours": "node octokit"}
LISTING_CLIENTS = ["raw sequential", "raw concurrent", "rust core", "python ours", "python githubkit",
                   "node ours", "node octokit"]
OURS = ["rust core", "python ours", "node ours"]


def raw_for(row: Row) -> str:
    return "raw concurrent" if row.extra.get("concurrency", 1) > 1 else "raw sequential"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sizes = QUICK if args.quick else FULL
        self.expected = expected_work(self.sizes)
        self.selected = CASES if args.cases == "all" else args.cases.split(",")
        unknown = [c for c in self.selected if c not in CASES]
        if unknown:
            sys.exit(f"bench: unknown cases {unknown} (known: {','.join(CASES)})")
        self.rows: list[Row] = []
        self.checked = 0
        self.load_before = self.load_after = ""

    # -- running -----------------------------------------------------------

    def common(self, base: str, reps: int) -> list[str]:
        args = ["--base", base, "--token", TOKEN, "--org", ORG, "--reps", str(reps)]
        return args + (["--warmup"] if self.sizes.warmup else [])

    def rust(self, case: str, base: str, *extra: str, reps: int) -> list[Row]:
        return rows_of(run_json([self.args.rust, case, *self.common(base, reps), *extra]))

    def python(self, case: str, base: str, *extra: str, reps: int) -> list[Row]:
        script = str(ROOT / "bench" / "python" / "bench.py")
        return rows_of(run_json([self.args.python, script, case, *self.common(base, reps), *extra]))

    def node(self, case: str, base: str, *extra: str, reps: int) -> list[Row]:
        script = Path(self.args.node_dir).resolve() / "bench.mjs"
        shutil.copyfile(ROOT / "bench" / "node" / "bench.mjs", script)
        env = {"GHPACKAGES_NODE_PACKAGE": str(Path(self.args.node_package).resolve())}
        return rows_of(
            run_json(["node", str(script), case, *self.common(base, reps), *extra], env=env, cwd=script.parent)
        )

    def interleaved(self, case: str, base: str, latency_ms: int, rounds: int, *extra: str) -> None:
        """Rounds of one repetition per language (each after its warm-up), so
        that load from elsewhere on the machine falls on every client alike;
        the rows of a client are then merged and checked."""
        rows: list[Row] = []
        with latency(base, latency_ms):
            for _ in range(rounds):
                for language in (self.rust, self.python, self.node):
                    rows += language(case, base, *extra, reps=1)
        merged: dict[str, Row] = {}
        for row in rows:
            if row.client in merged:
                merged[row.client].times += row.times
                merged[row.client].extra["cpu"] += row.extra["cpu"]
            else:
                row.extra["latency_ms"] = latency_ms
                merged[row.client] = row
        for row in merged.values():
            self.check_work(row)
        self.rows += merged.values()

    def check_work(self, row: Row) -> None:
        """Fails the run when a client answered other than the fixture holds."""
        items, id_sum, name_chars = self.expected[row.case]
        scale = row.extra.get("calls", 1)
        want = (items * scale, id_sum * scale, name_chars * scale)
        got = (row.extra.get("items"), row.extra.get("id_sum"), row.extra.get("name_chars"))
        if got != want:
            sys.exit(
                f"bench: unequal work: {row.client} ({row.case}, {row.extra.get('latency_ms')} ms) read "
                f"(items, sum of ids, name characters) = {got}, the fixture holds {want}"
            )
        self.checked += 1

    def run(self) -> None:
        workdir = Path(tempfile.mkdtemp(prefix="ghpackages-bench-"))
        fixture_path = workdir / "fixture.json"
        fixture_path.write_text(json.dumps(fixture(self.sizes)))
        emulator = Emulator(Path(self.args.emulator), fixture_path, workdir)
        try:
            self.load_before = load_average()
            self.cases(emulator.base)
            self.load_after = load_average()
        finally:
            emulator.stop()
            shutil.rmtree(workdir, ignore_errors=True)

    def cases(self, base: str) -> None:
        runs: dict[str, Callable[[str], None]] = {
            "1": self.case_versions, "2": self.case_packages, "4": self.case_calls,
            "3": self.case_cleanup, "3b": self.case_faulty, "5": self.load, "6": self.case_org,
        }
        for key in ["1", "2", "4", "3", "3b", "5", "6"]:
            if key in self.selected:
                runs[key](base)

    def case_versions(self, base: str) -> None:
        s = self.sizes
        versions = ["--package", "listed", "--package-type", "npm", "--concurrency", str(PAGE_CONCURRENCY)]
        for latency_ms, rounds in [(NETWORK_MS, s.network_reps), (0, s.reps)]:
            print(f"== 1. list {s.versions} versions, {latency_ms} ms per answer", file=sys.stderr)
            self.interleaved("list-versions", base, latency_ms, rounds, *versions)

    def case_packages(self, base: str) -> None:
        s = self.sizes
        packages = ["--package-type", "container", "--concurrency", str(PAGE_CONCURRENCY)]
        for latency_ms, rounds in [(NETWORK_MS, s.network_reps), (0, s.reps)]:
            print(f"== 2. list {s.packages} packages, {latency_ms} ms per answer", file=sys.stderr)
            self.interleaved("list-packages", base, latency_ms, rounds, *packages)

    def case_calls(self, base: str) -> None:
        s = self.sizes
        for latency_ms, rounds, calls in [(NETWORK_MS, s.network_reps, s.network_calls), (0, s.reps, s.calls)]:
            print(f"== 4. per-call overhead: get_package, {latency_ms} ms per answer", file=sys.stderr)
            arguments = ["--package", "listed", "--package-type", "npm", "--calls", str(calls)]
            self.interleaved("get-package", base, latency_ms, rounds, *arguments)

    def case_cleanup(self, base: str) -> None:
        s = self.sizes
        print(f"== 3. delete then restore {s.deletes} versions", file=sys.stderr)
        cleanup = ["--package", "pruned", "--admin-token", ADMIN_TOKEN, "--concurrency", str(PAGE_CONCURRENCY)]
        settings = [
            (["--count", str(s.network_deletes), "--latency-ms", str(NETWORK_MS)]),
            (["--count", str(s.deletes)]),
            (["--count", str(s.deletes), "--limits", "--time-factor", str(TIME_FACTOR)]),
        ]
        for setting in settings:
            rows = self.rust("cleanup", base, *cleanup, *setting, reps=s.slow_reps)
            for row in rows:
                if any(row.extra["failed"]):
                    sys.exit(f"bench: {row.client} ({setting}) failed {row.extra['failed']} requests per repetition")
            self.rows += rows

    def case_faulty(self, base: str) -> None:
        s = self.sizes
        print(f"== 3b. list {s.faulty} versions with an injected 500", file=sys.stderr)
        self.rows += self.rust(
            "faulty-list", base, "--package", "faulty", "--expect", str(s.faulty),
            "--admin-token", ADMIN_TOKEN, reps=s.slow_reps,
        )

    def case_org(self, base: str) -> None:
        s = self.sizes
        print(f"== 6. prune {s.org_deletes:,} versions over {ORG_PACKAGES} packages under GitHub's limits, "
              f"time ×{s.org_time_factor:g}", file=sys.stderr)
        rows = self.rust(
            "org-prune", base, "--packages", "org-*", "--keep", str(ORG_KEEP), "--expect", str(s.org_deletes),
            "--time-factor", str(s.org_time_factor), "--admin-token", ADMIN_TOKEN, reps=1,
        )
        for row in rows:
            if row.extra["deleted"] != s.org_deletes:
                sys.exit(f"bench: the organization prune deleted {row.extra['deleted']} of {s.org_deletes}")
            # Zero rejected requests is the case's claim in every mode (--quick
            # included): a refused request is a pacing bug, not noise.
            primary, secondary = row.extra["rejected_primary"], row.extra["rejected_secondary"]
            if primary or secondary:
                sys.exit(f"bench: the organization prune had requests rejected by the emulator: "
                         f"{primary} on the primary (hourly) limit, {secondary} on the secondary")
        self.rows += rows

    def org_ratio_failure(self) -> str | None:
        """The organization prune's 1.1x claim, when it does not hold. Only a
        full run enforces it (--quick runs on small data on busy machines and
        prints the verdict alone)."""
        if self.args.quick or not self.has("org-prune"):
            return None
        x = self.find("org-prune", "rust core").extra
        minimum = x["minimum_github_seconds"]
        ratio = x["github_seconds"] / minimum if minimum else math.inf
        if ratio <= 1.1:
            return None
        return f"bench: the organization prune took {ratio:.3f}x the minimum its limits allow (the goal is 1.1x)"

    def load(self, base: str) -> None:
        """Case 5: the emulator alone under wrk, on the bench's own emulator
        and data (a package GET and a 100-version page)."""
        print("== 5. the emulator under wrk", file=sys.stderr)
        for label, path in [
            ("GET one package", f"/orgs/{ORG}/packages/npm/listed"),
            ("GET 100-version page", f"/orgs/{ORG}/packages/npm/listed/versions?per_page=100"),
        ]:
            rps, p50, p99 = wrk(base + path, self.sizes.wrk_seconds)
            self.rows.append(Row("wrk", label, [], {"rps": rps, "p50": p50, "p99": p99}))

    # -- reporting ---------------------------------------------------------

    def find(self, case: str, client: str, **match: Any) -> Row:
        for row in self.rows:
            if row.case == case and row.client == client and all(row.extra.get(k) == v for k, v in match.items()):
                return row
        raise KeyError((case, client, match))

    def has(self, case: str) -> bool:
        return any(row.case == case for row in self.rows)

    def report(self) -> str:
        s = self.sizes
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        if self.args.quick:
            mode = "quick (small data, 1 repetition; a smoke test of the bench, not a measurement)"
        elif self.args.cases != "all":
            mode = f"partial: cases {self.args.cases} only (not a full run; see bench/results/latest.md for one)"
        else:
            mode = "full"
        warm = " after a warm-up" if s.warmup else ""
        lines = [
            "# ghpackages benchmark results",
            "",
            f"- commit: {self.args.commit}",
            f"- build: {self.args.build}",
            f"- date: {now}; machine: {os.cpu_count()} cores ({_cpu_model()}), {platform.system()} {platform.machine()}",
            f"- load average (1, 5, 15 min): {self.load_before} before the cases, {self.load_after} after",
            f"- mode: {mode}; {s.network_reps} repetitions{warm} at {NETWORK_MS} ms and {s.reps} at 0 ms for listings "
            f"and calls (in rounds alternating the languages), {s.slow_reps} for cleanup and 3b",
            f"- peers: {self.args.peers}",
            "- one emulator on loopback, in-memory SQLite, limits off unless stated; every client asks for "
            f"{PER_PAGE} items a page. {NETWORK_MS} ms: the emulator waits that long before every answer "
            "(its fault injection), as a network round trip to GitHub would; 0 ms: loopback alone",
            f"- equal work: every listing and call row read `id` and `name` of every item it returned; the count, "
            f"sum of ids and characters of names of all {self.checked} rows equal what the fixture holds "
            "(a difference fails the run)",
            "- spread: how far the fastest and slowest repetitions lie from the median; CPU: the client "
            "process's CPU time per repetition (median), on the cores it shares with the emulator",
            "",
        ]
        sections = [
            ("list-versions", lambda: self.listing_table("list-versions", f"1. List all {s.versions:,} versions of one package")),
            ("list-packages", lambda: self.listing_table("list-packages", f"2. List all {s.packages:,} packages of an organization")),
            ("cleanup", self.cleanup_table),
            ("faulty-list", self.faulty_table),
            ("get-package", self.calls_table),
            ("wrk", self.wrk_table),
            ("org-prune", self.org_table),
        ]
        for case, section in sections:
            if self.has(case):
                lines += section()
        targets = self.targets()
        if targets:
            lines += ["### Targets", "", "| target | measured | verdict |", "|---|---:|---|"]
            lines += [f"| {name} | {value} | {verdict} |" for name, value, verdict in targets]
            lines.append("")
        return "\n".join(lines)

    def listing_table(self, case: str, title: str) -> list[str]:
        header = []
        for latency_ms in [NETWORK_MS, 0]:
            header += [f"{latency_ms} ms: median (spread)", "CPU", "÷ raw loop", "vs peer"]
        lines = [
            f"### {title}",
            "",
            "Raw loop: `reqwest` making the same requests and parsing only `id` and `name`, at the client's "
            "concurrency (raw sequential for one page at a time, raw concurrent for "
            f"{PAGE_CONCURRENCY}); vs peer: our package against the peer in its language.",
            "",
            "| client | pages in flight | " + " | ".join(header) + " |",
            "|---|---:|" + "---:|---:|---:|---|" * 2,
        ]
        for client in LISTING_CLIENTS:
            cells = []
            for latency_ms in [NETWORK_MS, 0]:
                row = self.find(case, client, latency_ms=latency_ms)
                raw = self.find(case, raw_for(row), latency_ms=latency_ms)
                vs_raw = "" if client.startswith("raw") else f"{row.median / raw.median:.2f}×"
                vs_peer = ""
                if client in PEERS:
                    peer = self.find(case, PEERS[client], latency_ms=latency_ms)
                    vs_peer = faster(peer.median, row.median)
                cells += [timed(row), fmt_seconds(row.cpu), vs_raw, vs_peer]
            concurrency = self.find(case, client, latency_ms=0).extra["concurrency"]
            lines.append(f"| {client} | {concurrency} | " + " | ".join(cells) + " |")
        return lines + [""]

    def cleanup_table(self) -> list[str]:
        window = 60 / TIME_FACTOR
        lines = [
            "### 3. Delete versions, then restore them",
            "",
            f"Bulk: `cleanup::execute` with a journal, then `cleanup::undo_journal` ({PAGE_CONCURRENCY} in flight, "
            "paced to the limits); one at a time: the same requests from a loop, each awaited before the next "
            "(the client's own retries honour `Retry-After`). Rejected: 403/429 answers the client received. "
            f"Minimum: what GitHub's secondary limit allows ({POINTS_PER_MINUTE // WRITE_COST} writes per window, "
            f"the window {window:g} s at time ×{TIME_FACTOR}): a full window's worth at once, then one window "
            "per further batch. Every repetition deleted and restored every version (a failure fails the run).",
            "",
            "| setting | versions | operation | bulk | one at a time | one at a time ÷ bulk | bulk ÷ minimum "
            "| rejected (bulk / one at a time) |",
            "|---|---:|---|---:|---:|---:|---:|---:|",
        ]
        for setting, match in self.cleanup_settings():
            for op in ["delete", "restore"]:
                bulk = self.find("cleanup", f"bulk {op}", **match)
                single = self.find("cleanup", f"one-at-a-time {op}", **match)
                minimum = bulk.extra["minimum"]
                vs_min = f"{bulk.median / minimum:.3f}× ({fmt_seconds(minimum)})" if minimum else "–"
                rejected = f"{sum(bulk.extra['rejected'])} / {sum(single.extra['rejected'])}"
                lines.append(
                    f"| {setting} | {bulk.extra['count']:,} | {op} | {timed(bulk)} | {timed(single)} | "
                    f"{single.median / bulk.median:.1f}× | {vs_min} | {rejected} |"
                )
        return lines + [""]

    def cleanup_settings(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (f"limits off, {NETWORK_MS} ms per answer", {"limits": "off", "latency_ms": NETWORK_MS}),
            ("limits off, 0 ms", {"limits": "off", "latency_ms": 0}),
            (f"GitHub's limits, time ×{TIME_FACTOR}, 0 ms", {"limits": "on"}),
        ]

    def org_table(self) -> list[str]:
        row = self.find("org-prune", "rust core")
        x = row.extra
        measured = x["github_seconds"]
        minimum = x["minimum_github_seconds"]
        vs_min = f"{measured / minimum:.3f}×" if minimum else "–"
        return [
            f"### 6. Prune an organization: {x['deleted']:,} versions over {x['packages']} packages, one run",
            "",
            "`cleanup::plan_packages` (every `org-*` npm package, keep the 10 newest) then "
            "`cleanup::execute_packages` (one pacer, one journal, 8 in flight), as `ghpkg prune --package` runs "
            f"them, against GitHub's primary (5,000 requests an hour) and secondary ({POINTS_PER_MINUTE} points "
            f"a minute, {WRITE_COST} a deletion) limits on the emulator sped up ×{x['time_factor']:g}. GitHub "
            "time: the measured time times the speed-up, what the same run takes against GitHub. Minimum: what "
            "the two limits allow for the run's requests from its first one (an hour's budget at once, deletions "
            f"at {POINTS_PER_MINUTE // WRITE_COST} a minute, a wait for each further hour). Rejected: "
            "the emulator's count of refused requests.",
            "",
            "| packages | deletions | requests | measured | GitHub time | minimum (GitHub time) | ÷ minimum "
            "| rejected (primary / secondary) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {x['packages']} | {x['deleted']:,} | {x['requests']:,} | {fmt_seconds(row.median)} | "
            f"{fmt_hours(measured)} | {fmt_hours(minimum)} | {vs_min} | "
            f"{x['rejected_primary']} / {x['rejected_secondary']} |",
            "",
        ]

    def faulty_table(self) -> list[str]:
        faulty = self.find("faulty-list", "rust core")
        return [
            f"### 3b. List {self.sizes.faulty:,} versions with an injected 500 half way",
            "",
            "| client | median | spread | versions | 500s received (per repetition) |",
            "|---|---:|---:|---:|---|",
            f"| rust core | {fmt_seconds(faulty.median)} | {spread(faulty.times)} | "
            f"{faulty.extra['items']:,}, each exactly once | {', '.join(map(str, faulty.extra['server_errors']))} |",
            "",
        ]

    def calls_table(self) -> list[str]:
        s = self.sizes
        lines = [
            f"### 4. Per-call overhead: `get_package` in a loop, one call at a time "
            f"({s.network_calls:,} calls at {NETWORK_MS} ms, {s.calls:,} at 0 ms)",
            "",
            f"| client | {NETWORK_MS} ms: per call (spread) | over the core | 0 ms: per call (spread) | over the core |",
            "|---|---:|---:|---:|---:|",
        ]
        for client in OURS:
            cells = []
            for latency_ms in [NETWORK_MS, 0]:
                row = self.find("get-package", client, latency_ms=latency_ms)
                core = self.find("get-package", "rust core", latency_ms=latency_ms)
                call = row.median / row.extra["calls"]
                core_call = core.median / core.extra["calls"]
                over = "–" if client == "rust core" else f"{(call - core_call) / core_call * 100:+.1f}% ({fmt_seconds(call - core_call)})"
                cells += [f"{fmt_seconds(call)} ({spread(row.times)})", over]
            lines.append(f"| {client} | " + " | ".join(cells) + " |")
        return lines + [""]

    def wrk_table(self) -> list[str]:
        rows = [r for r in self.rows if r.case == "wrk"]
        return [
            f"### 5. The emulator alone under wrk: 2 threads, 64 connections, {self.sizes.wrk_seconds} s, limits off",
            "",
            "| request | requests/s | p50 | p99 |",
            "|---|---:|---:|---:|",
            *[f"| {r.client} | {r.extra['rps']} | {r.extra['p50']} | {r.extra['p99']} |" for r in rows],
            "",
        ]

    # -- targets -------------------------------------------------------------

    def targets(self) -> list[tuple[str, str, str]]:
        """Each target of bench/README.md with what this run measured, and
        whether it holds; when not, the measured reason."""
        result: list[tuple[str, str, str]] = []
        n = f"{self.sizes.versions:,}"
        if self.has("list-versions"):
            for client, peer in PEERS.items():
                ours = self.find("list-versions", client, latency_ms=NETWORK_MS)
                theirs = self.find("list-versions", peer, latency_ms=NETWORK_MS)
                ratio = theirs.median / ours.median
                result.append((
                    f"list {n} versions at {NETWORK_MS} ms: {client} ≥5× faster than {peer}",
                    f"{ratio:.1f}×",
                    "holds" if ratio >= 5 else self.peer_reason(ours, theirs),
                ))
            for latency_ms, bound in [(NETWORK_MS, 1.1), (0, 1.25)]:
                for client in OURS:
                    ours = self.find("list-versions", client, latency_ms=latency_ms)
                    raw = self.find("list-versions", raw_for(ours), latency_ms=latency_ms)
                    ratio = ours.median / raw.median
                    result.append((
                        f"list {n} versions at {latency_ms} ms: {client} within {bound}× of the raw loop "
                        f"({ours.extra['concurrency']} pages in flight)",
                        f"{ratio:.2f}×",
                        "holds" if ratio <= bound else raw_reason(ours, raw),
                    ))
        if self.has("cleanup"):
            bulk = self.find("cleanup", "bulk delete", limits="on")
            minimum = bulk.extra["minimum"]
            ratio = bulk.median / minimum if minimum else math.inf
            result.append((
                f"bulk deletion of {bulk.extra['count']:,} versions under GitHub's limits within 1.05× of the minimum",
                f"{ratio:.3f}×",
                "holds" if ratio <= 1.05 else (
                    f"does not hold, because it took {fmt_seconds(bulk.median)} against {fmt_seconds(minimum)}: "
                    f"{fmt_seconds(bulk.median - minimum)} after the last window opened"
                ),
            ))
            rejected = sum(sum(self.find("cleanup", f"bulk {op}", limits="on").extra["rejected"]) for op in ["delete", "restore"])
            result.append((
                "bulk deletion and restore under GitHub's limits: zero rejected requests",
                str(rejected),
                "holds" if rejected == 0 else f"does not hold, because the server refused {rejected} requests (403/429)",
            ))
        if self.has("org-prune"):
            row = self.find("org-prune", "rust core")
            x = row.extra
            minimum = x["minimum_github_seconds"]
            ratio = x["github_seconds"] / minimum if minimum else math.inf
            result.append((
                f"organization prune of {x['deleted']:,} deletions over {x['packages']} packages under GitHub's "
                "limits within 1.1× of the minimum",
                f"{ratio:.3f}×",
                "holds" if ratio <= 1.1 else (
                    f"does not hold, because it took {fmt_hours(x['github_seconds'])} of GitHub time against "
                    f"{fmt_hours(minimum)} ({fmt_seconds(row.median)} measured at ×{x['time_factor']:g})"
                ),
            ))
            rejected = x["rejected_primary"] + x["rejected_secondary"]
            result.append((
                "organization prune under GitHub's limits: zero rejected requests",
                str(rejected),
                "holds" if rejected == 0 else f"does not hold, because the server refused {rejected} requests",
            ))
        return result

    def peer_reason(self, ours: Row, theirs: Row) -> str:
        latency_ms = ours.extra["latency_ms"]
        pages = math.ceil(self.sizes.versions / PER_PAGE)
        rounds = 1 + math.ceil((pages - 1) / PAGE_CONCURRENCY)
        if pages / rounds < 5:
            return (f"does not hold, because the peer waits for {pages} answers one after another and ours for "
                    f"{rounds} rounds of {PAGE_CONCURRENCY}: the latency alone bounds the ratio near "
                    f"{pages / rounds:.1f}×")
        raw = self.find(ours.case, raw_for(ours), latency_ms=latency_ms)
        if ours.median / raw.median > 1.1:
            return (f"does not hold, because ours took {ours.median / raw.median:.2f}× the raw loop at the same "
                    f"concurrency ({fmt_seconds(ours.median)} against {fmt_seconds(raw.median)})")
        serial = self.find(ours.case, "raw sequential", latency_ms=latency_ms)
        return (f"does not hold, because the peer took only {theirs.median / serial.median:.2f}× a raw serial "
                f"loop ({fmt_seconds(theirs.median)} against {fmt_seconds(serial.median)})")


def raw_reason(ours: Row, raw: Row) -> str:
    extra = ours.median - raw.median
    cpu = ours.cpu - raw.cpu
    return (f"does not hold, because it took {fmt_seconds(extra)} more than the raw loop "
            f"({fmt_seconds(ours.median)} against {fmt_seconds(raw.median)}); its process used "
            f"{fmt_seconds(cpu)} more CPU ({fmt_seconds(ours.cpu)} against {fmt_seconds(raw.cpu)}) on the "
            "cores the emulator also needs")


class latency:
    """The emulator's added latency per answer for the `with` block."""

    def __init__(self, base: str, ms: int) -> None:
        self.base, self.ms = base, ms

    def __enter__(self) -> None:
        if self.ms:
            admin(self.base, "PUT", "faults", {"latency_ms": self.ms})

    def __exit__(self, *_: object) -> None:
        if self.ms:
            admin(self.base, "DELETE", "faults")


def admin(base: str, method: str, path: str, body: Optional[dict[str, Any]] = None) -> None:
    """A call to the emulator's admin API."""
    request = urllib.request.Request(
        f"{base}/_emulator/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def wrk(url: str, seconds: int) -> tuple[str, str, str]:
    """Requests/s, p50 and p99 of `url` under wrk (2 threads, 64 connections)."""
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {TOKEN}", url]
    print("  $", *_shown(command), file=sys.stderr, flush=True)
    report = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in report:
        sys.exit(f"bench: wrk saw non-2xx answers from {url}:\n{report}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", report)
    p50 = re.search(r"^\s+50%\s+(\S+)", report, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", report, re.M)
    if not (rps and p50 and p99):
        sys.exit(f"bench: cannot read wrk's report:\n{report}")
    return rps.group(1), p50.group(1), p99.group(1)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--rust", required=True, help="the ghpackages-bench binary")
    parser.add_argument("--python", required=True, help="python of the environment with ghpackages and githubkit")
    parser.add_argument("--node-dir", required=True, help="directory whose node_modules holds @octokit/rest")
    parser.add_argument("--node-package", required=True, help="directory of our Node package")
    parser.add_argument("--peers", default="", help="peer versions, for the header")
    parser.add_argument("--commit", default="unknown", help="the commit measured, for the header")
    parser.add_argument("--build", default="unknown", help="how our packages were built, for the header")
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", default="all", help=f"comma-separated subset of {','.join(CASES)}")
    args = parser.parse_args()

    started = time.monotonic()
    bench = Bench(args)
    bench.run()
    report = bench.report()
    print(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"bench: wrote {out} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    failure = bench.org_ratio_failure()
    if failure:
        sys.exit(failure)


if __name__ == "__main__":
    main()
