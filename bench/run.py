#!/usr/bin/env python3
"""Runs every benchmark case against one emulator and writes the results table.

Called by scripts/bench, which builds the programs and the throwaway
environments first; standard library only. The table goes to stdout and to
--out (bench/results/latest.md by default).
"""

from __future__ import annotations

import argparse
import datetime
import json
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
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
ORG = "bench-org"
USER = "bench"
TOKEN = "ghp_bench_token"
ADMIN_TOKEN = "bench-admin"


@dataclass
class Sizes:
    """The data and repetitions of one mode."""

    versions: int  # versions of the listed package (case 1)
    packages: int  # packages of the organization (case 2)
    deletes: int  # versions deleted then restored (case 3)
    faulty: int  # versions listed with a 500 half way (case 3b)
    reps: int  # measured repetitions of the fast cases
    slow_reps: int  # measured repetitions of the cleanup and 3b cases
    warmup: bool
    calls: int  # get_package calls per repetition (case 4)
    wrk_seconds: int  # load per request in case 5
    latency_ms: int  # simulated network latency of the third cleanup run


FULL = Sizes(10_000, 1_000, 1_000, 100_000, 7, 3, True, 2_000, 10, 10)
QUICK = Sizes(1_000, 150, 100, 2_000, 1, 1, False, 100, 1, 2)


def fixture(sizes: Sizes) -> dict[str, Any]:
    """The emulator's data: one organization whose admin owns the bench token."""

    def package(name: str, package_type: str, count: int, version_name: str) -> dict[str, Any]:
        return {
            "owner": ORG,
            "package_type": package_type,
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

    packages = [
        package("listed", "npm", sizes.versions, "1.0.{n}"),
        # A version more than the deletes: the newest is never deleted.
        package("pruned", "npm", sizes.deletes + 1, "2.0.{n}"),
        package("faulty", "npm", sizes.faulty, "3.0.{n}"),
    ]
    packages += [
        package(f"app-{n:05d}", "container", 1, "sha256:{digest}") for n in range(sizes.packages)
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


def rows_of(objects: list[dict[str, Any]]) -> list[Row]:
    rows = []
    for obj in objects:
        case = obj.pop("case")
        client = obj.pop("client")
        times = obj.pop("times")
        rows.append(Row(case, client, times, obj))
    return rows


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def spread(times: list[float]) -> str:
    """min–max around the median, in percent."""
    median = statistics.median(times)
    if len(times) < 2 or median == 0:
        return "–"
    return f"−{(median - min(times)) / median * 100:.0f}% / +{(max(times) - median) / median * 100:.0f}%"


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f} ({theirs / ours:.1f}× faster)" if ours <= theirs else f"{ours / theirs:.2f} ({ours / theirs:.1f}× slower)"


CASE_KEYS = {
    "list-versions": "1",
    "list-versions-latency": "1l",
    "list-packages": "2",
    "cleanup": "3",
    "faulty-list": "3b",
    "get-package": "4",
    "wrk": "5",
}


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sizes = QUICK if args.quick else FULL
        self.rows: list[Row] = []
        self.targets: list[tuple[str, str, bool]] = []

    # -- running -----------------------------------------------------------

    def common(self, base: str, reps: Optional[int] = None) -> list[str]:
        args = ["--base", base, "--token", TOKEN, "--org", ORG, "--reps", str(reps or self.sizes.reps)]
        return args + (["--warmup"] if self.sizes.warmup else [])

    def rust(self, case: str, base: str, *extra: str, reps: Optional[int] = None) -> None:
        self.rows += rows_of(run_json([self.args.rust, case, *self.common(base, reps), *extra]))

    def python(self, case: str, base: str, *extra: str, reps: Optional[int] = None) -> None:
        script = str(ROOT / "bench" / "python" / "bench.py")
        self.rows += rows_of(run_json([self.args.python, script, case, *self.common(base, reps), *extra]))

    def node(self, case: str, base: str, *extra: str, reps: Optional[int] = None) -> None:
        script = Path(self.args.node_dir).resolve() / "bench.mjs"
        shutil.copyfile(ROOT / "bench" / "node" / "bench.mjs", script)
        env = {"GHPACKAGES_NODE_PACKAGE": str(Path(self.args.node_package).resolve())}
        self.rows += rows_of(
            run_json(["node", str(script), case, *self.common(base, reps), *extra], env=env, cwd=script.parent)
        )

    def interleaved(self, case: str, base: str, *extra: str) -> None:
        """Rounds of one repetition per language (each after its warm-up), so
        that load from elsewhere on the machine falls on every client alike;
        the rows of a client are then merged."""
        before = len(self.rows)
        for _ in range(self.sizes.reps):
            for language in (self.rust, self.python, self.node):
                language(case, base, *extra, reps=1)
        merged: dict[str, Row] = {}
        for row in self.rows[before:]:
            if row.client in merged:
                merged[row.client].times += row.times
            else:
                merged[row.client] = row
        self.rows[before:] = list(merged.values())

    def run(self) -> None:
        workdir = Path(tempfile.mkdtemp(prefix="ghpackages-bench-"))
        fixture_path = workdir / "fixture.json"
        fixture_path.write_text(json.dumps(fixture(self.sizes)))
        emulator = Emulator(Path(self.args.emulator), fixture_path, workdir)
        try:
            self.cases(emulator.base)
        finally:
            emulator.stop()
            shutil.rmtree(workdir, ignore_errors=True)

    def save(self) -> None:
        """The rows so far, so a failure later loses nothing (see --report-only)."""
        rows = [{"case": r.case, "client": r.client, "times": r.times, **r.extra} for r in self.rows]
        Path(self.args.rows).write_text(json.dumps(rows, indent=1))

    def cases(self, base: str) -> None:
        selected = self.args.cases.split(",")
        if self.args.cases != "all" and Path(self.args.rows).exists():
            # Rerunning some cases: keep the others' rows.
            kept = rows_of(json.loads(Path(self.args.rows).read_text()))
            self.rows = [r for r in kept if CASE_KEYS[r.case] not in selected]
        for key, case in [("1", self.case_versions), ("1l", self.case_versions_latency), ("2", self.case_packages), ("4", self.case_calls),
                          ("3", self.case_cleanup), ("3b", self.case_faulty), ("5", self.load)]:
            if self.args.cases == "all" or key in selected:
                case(base)
                self.save()

    def case_versions(self, base: str) -> None:
        s = self.sizes
        print(f"== 1. list {s.versions} versions", file=sys.stderr)
        versions = ["--package", "listed", "--package-type", "npm"]
        self.interleaved("list-versions", base, *versions)

    def case_versions_latency(self, base: str) -> None:
        """Case 1 again with latency added to every answer, as a network adds
        it (api.github.com answers a page in tens to hundreds of ms)."""
        s = self.sizes
        print(f"== 1l. list {s.versions} versions, {s.latency_ms} ms latency", file=sys.stderr)
        before = len(self.rows)
        admin(base, "PUT", "faults", {"latency_ms": s.latency_ms})
        try:
            self.interleaved("list-versions", base, "--package", "listed", "--package-type", "npm")
        finally:
            admin(base, "DELETE", "faults")
        for row in self.rows[before:]:
            row.case = "list-versions-latency"

    def case_packages(self, base: str) -> None:
        s = self.sizes
        print(f"== 2. list {s.packages} packages", file=sys.stderr)
        packages = ["--package-type", "container"]
        self.interleaved("list-packages", base, *packages)

    def case_calls(self, base: str) -> None:
        s = self.sizes
        print("== 4. per-call overhead: get_package", file=sys.stderr)
        calls = ["--package", "listed", "--package-type", "npm", "--calls", str(s.calls)]
        self.interleaved("get-package", base, *calls)

    def case_cleanup(self, base: str) -> None:
        s = self.sizes
        print(f"== 3. delete then restore {s.deletes} versions", file=sys.stderr)
        cleanup = ["--package", "pruned", "--count", str(s.deletes), "--admin-token", ADMIN_TOKEN]
        self.rust("cleanup", base, *cleanup, reps=s.slow_reps)
        self.rust("cleanup", base, *cleanup, "--latency-ms", str(s.latency_ms), reps=s.slow_reps)
        self.rust("cleanup", base, *cleanup, "--limits", "--time-factor", "60", reps=s.slow_reps)

    def case_faulty(self, base: str) -> None:
        s = self.sizes
        print(f"== 3b. list {s.faulty} versions with an injected 500", file=sys.stderr)
        self.rust(
            "faulty-list", base, "--package", "faulty", "--expect", str(s.faulty),
            "--admin-token", ADMIN_TOKEN, reps=s.slow_reps,
        )

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

    def target(self, name: str, value: str, holds: bool) -> None:
        self.targets.append((name, value, holds))

    def listing_table(self, case: str, title: str) -> list[str]:
        lines = [f"### {title}", "", "| client | median | spread (min / max) | ratio ours / theirs |", "|---|---:|---:|---|"]
        peers = {
            "rust core": "raw concurrent",
            "python ours": "python githubkit",
            "node ours": "node octokit",
        }
        order = ["raw sequential", "raw concurrent", "rust core", "python ours", "python githubkit", "node ours", "node octokit"]
        for client in order:
            row = self.find(case, client)
            note = ""
            if client in peers:
                peer = self.find(case, peers[client])
                note = f"{ratio(row.median, peer.median)} vs {peers[client]}"
            lines.append(f"| {client} | {fmt_seconds(row.median)} | {spread(row.times)} | {note} |")
        return lines + [""]

    def report(self) -> str:
        s = self.sizes
        cores = os.cpu_count()
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        mode = (
            "quick (debug builds, small data, 1 repetition; a smoke test, not a measurement)"
            if self.args.quick
            else "full (release builds)"
        )
        lines = [
            "# ghpackages benchmark results",
            "",
            f"- date: {now}; machine: {cores} cores ({_cpu_model()}), {platform.system()} {platform.machine()}, "
            f"load average before the run {self.args.load or 'unknown'}",
            f"- mode: {mode}; {s.reps} repetitions{' after a warm-up' if s.warmup else ''} for listings and calls, "
            f"{s.slow_reps} for cleanup and 3b",
            f"- peers: {self.args.peers}",
            "- one emulator on loopback, in-memory SQLite, limits off unless stated; every client asks for 100 items a page",
            "- spread: how far the fastest and slowest repetitions lie from the median",
            "",
        ]
        sections = [
            lambda: self.listing_table("list-versions", f"1. List all {s.versions:,} versions of one package"),
            lambda: self.listing_table(
                "list-versions-latency",
                f"1'. The same, with {s.latency_ms} ms of latency added to every answer (as a network would)",
            ),
            lambda: self.listing_table("list-packages", f"2. List all {s.packages:,} packages of an organization"),
            self.cleanup_table,
            self.faulty_table,
            self.calls_table,
            self.wrk_table,
        ]
        for section in sections:
            try:
                lines += section()
            except KeyError as missing:
                lines += [f"(a section was not measured in this run: {missing})", ""]
        self.check_targets()
        lines += ["### Targets", "", "| target | measured | holds |", "|---|---:|---|"]
        lines += [f"| {name} | {value} | {'yes' if holds else '**no**'} |" for name, value, holds in self.targets]
        lines.append("")
        return "\n".join(lines)

    def cleanup_table(self) -> list[str]:
        s = self.sizes
        lines = [
            f"### 3. Delete {s.deletes:,} versions, then restore them",
            "",
            "Bulk: `cleanup::execute` with a journal, then `cleanup::undo_journal` (8 in flight, paced to the "
            "limits); one at a time: the same requests from a loop, each awaited before the next (the "
            "client's own retries honour `Retry-After`). Rejected: 403/429 answers the client received. "
            "Minimum: what GitHub's secondary limit allows (180 writes per window, the window 1 s at time ×60).",
            "",
            "| setting | operation | bulk | one at a time | one at a time / bulk | bulk vs minimum | rejected (bulk / one at a time) | failed |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for setting, match in self.cleanup_settings():
            for op in ["delete", "restore"]:
                bulk = self.find("cleanup", f"bulk {op}", **match)
                single = self.find("cleanup", f"one-at-a-time {op}", **match)
                minimum = bulk.extra["minimum"]
                vs_min = f"{bulk.median / minimum:.2f}× ({fmt_seconds(minimum)})" if minimum else "–"
                rejected = f"{sum(bulk.extra['rejected'])} / {sum(single.extra['rejected'])}"
                failed = f"{sum(bulk.extra['failed'])} / {sum(single.extra['failed'])}"
                lines.append(
                    f"| {setting} | {op} | {fmt_seconds(bulk.median)} ({spread(bulk.times)}) | "
                    f"{fmt_seconds(single.median)} ({spread(single.times)}) | "
                    f"{single.median / bulk.median:.1f}× | {vs_min} | {rejected} | {failed} |"
                )
        return lines + [""]

    def cleanup_settings(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            ("limits off", {"limits": "off", "latency_ms": 0}),
            (f"limits off, {self.sizes.latency_ms} ms latency", {"limits": "off", "latency_ms": self.sizes.latency_ms}),
            ("GitHub's limits, time ×60", {"limits": "on"}),
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

    def overheads(self) -> dict[str, tuple[float, float, Row]]:
        """Per binding: time per call, overhead over the core's, its row."""
        core = self.find("get-package", "rust core")
        per_call = core.median / core.extra["calls"]
        result = {}
        for client in ["python ours", "node ours"]:
            row = self.find("get-package", client)
            call = row.median / row.extra["calls"]
            result[client] = (call, (call - per_call) / per_call, row)
        return result

    def calls_table(self) -> list[str]:
        core = self.find("get-package", "rust core")
        per_call = core.median / core.extra["calls"]
        lines = [
            f"### 4. Per-call overhead: `get_package`, {self.sizes.calls:,} sequential calls",
            "",
            "| client | per call (median) | spread | overhead vs Rust core |",
            "|---|---:|---:|---:|",
            f"| rust core | {fmt_seconds(per_call)} | {spread(core.times)} | – |",
        ]
        for client, (call, overhead, row) in self.overheads().items():
            lines.append(
                f"| {client} | {fmt_seconds(call)} | {spread(row.times)} | "
                f"{overhead * 100:+.0f}% ({fmt_seconds(call - per_call)}) |"
            )
        return lines + [""]

    def wrk_table(self) -> list[str]:
        rows = [r for r in self.rows if r.case == "wrk"]
        if not rows:
            raise KeyError("wrk")
        return [
            f"### 5. The emulator alone under wrk: 2 threads, 64 connections, {self.sizes.wrk_seconds} s, limits off",
            "",
            "| request | requests/s | p50 | p99 |",
            "|---|---:|---:|---:|",
            *[f"| {r.client} | {r.extra['rps']} | {r.extra['p50']} | {r.extra['p99']} |" for r in rows],
            "",
        ]

    def check_targets(self) -> None:
        s = self.sizes
        n = f"{s.versions:,}"
        for case, where in [("list-versions", ""), ("list-versions-latency", f", {s.latency_ms} ms latency")]:
            try:
                versions = {c: self.find(case, c).median for c in
                            ["rust core", "raw concurrent", "python ours", "python githubkit", "node ours", "node octokit"]}
            except KeyError:
                continue
            py = versions["python githubkit"] / versions["python ours"]
            nd = versions["node octokit"] / versions["node ours"]
            self.target(f"list {n} versions{where}: Python ours ≥5× faster than githubkit", f"{py:.1f}×", py >= 5)
            self.target(f"list {n} versions{where}: Node ours ≥5× faster than octokit.paginate", f"{nd:.1f}×", nd >= 5)
            for client in ["rust core", "python ours", "node ours"]:
                r = versions[client] / versions["raw concurrent"]
                self.target(f"list {n} versions{where}: {client} within 1.5× of the raw baseline", f"{r:.2f}×", r <= 1.5)
        try:
            for setting, match in self.cleanup_settings()[:2]:
                bulk = self.find("cleanup", "bulk delete", **match).median
                single = self.find("cleanup", "one-at-a-time delete", **match).median
                self.target(f"bulk delete ≥5× faster than one at a time ({setting})", f"{single / bulk:.1f}×", single / bulk >= 5)
            rejected = sum(
                sum(self.find("cleanup", f"bulk {op}", limits="on").extra["rejected"]) for op in ["delete", "restore"]
            )
            self.target("bulk cleanup under GitHub's limits: zero rejected requests", str(rejected), rejected == 0)
        except KeyError:
            pass
        try:
            for client, (_, overhead, _) in self.overheads().items():
                self.target(f"binding overhead under 10% of the core per call ({client})", f"{overhead * 100:+.0f}%", overhead < 0.10)
        except KeyError:
            pass


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
    parser.add_argument("--emulator")
    parser.add_argument("--rust", help="the ghpackages-bench binary")
    parser.add_argument("--python", help="python of the environment with ghpackages and githubkit")
    parser.add_argument("--node-dir", help="directory whose node_modules holds @octokit/rest")
    parser.add_argument("--node-package", help="directory of our Node package")
    parser.add_argument("--peers", default="", help="peer versions, for the header")
    parser.add_argument("--load", default="", help="the load average before the run, for the header")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    parser.add_argument("--rows", required=True, help="JSON file the measured rows are saved to")
    parser.add_argument("--cases", default="all", help="comma-separated subset of 1,1l,2,3,3b,4,5 to rerun")
    parser.add_argument("--report-only", action="store_true", help="rebuild the table from --rows")
    args = parser.parse_args()

    started = time.monotonic()
    bench = Bench(args)
    if args.report_only:
        bench.rows = rows_of(json.loads(Path(args.rows).read_text()))
    else:
        bench.run()
    report = bench.report()
    print(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"bench: wrote {out} in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
