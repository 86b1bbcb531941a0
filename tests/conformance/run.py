#!/usr/bin/env python3
"""Runs every case of cases.json through each language's runner, against one
emulator, and prints one table of case x language.

The runners (runner.py, runner.mjs, rust/, runner.c) only execute calls
through their language's public API and report what came back in one
normalized shape; the emulator's state (reset to the demo data, faults,
limits) and the comparison with the expected outcome live here, once.

Usage: run.py LANGUAGE=COMMAND... (e.g. python="target/python/venv/bin/python
tests/conformance/runner.py"). Fails when a case fails in any language, when
a skip gives no reason, or when there are fewer than 80 cases. Needs only the
standard library; GHPACKAGES_EMULATOR names the emulator binary.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "lib"))

from emulator import Emulator  # noqa: E402

MIN_CASES = 80
TOKENS = {
    "octocat": "ghp_demo_octocat",
    "octocat_readonly": "ghp_demo_octocat_readonly",
    "mona": "ghp_demo_mona",
    "bogus": "ghp_not_a_real_token",
}


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Runner:
    """One language's runner process: a request line in, a result line out."""

    def __init__(self, language: str, command: str) -> None:
        self.language = language
        self.flat = language == "c"
        self.process = subprocess.Popen(
            shlex.split(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        line = flat_request(request) if self.flat else json.dumps(request)
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"{self.language} runner exited")
        return parse_flat(answer) if self.flat else json.loads(answer)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def flat_request(request: dict[str, Any]) -> str:
    """The request as the C runner reads it: tab-separated key=value pairs."""
    call = request["call"]
    owner = call["owner"]
    kind = next(iter(owner))
    fields = {
        "base_url": request["base_url"],
        "auth": request["token"] or "",
        "max_attempts": request["client"].get("retry", {}).get("max_attempts", 0),
        "timeout_ms": request["client"].get("timeout_ms", 0),
        "op": call["op"],
        "owner_kind": kind,
        "owner": "" if kind == "me" else owner[kind],
    }
    for key, value in call.get("args", {}).items():
        fields[key] = json.dumps(value) if key == "policy" else value
    if call["op"] == "plan_cleanup":
        # The C API takes planning options as one JSON object.
        if "options" in call:
            fields["options_json"] = json.dumps(call["options"])
    else:
        for key, value in call.get("options", {}).items():
            fields[key] = value
    for key, value in fields.items():
        if "\t" in str(key) or "\t" in str(value):
            raise ValueError(f"a tab in {key}={value!r}")
    # Newlines inside values would end the line: the C runner decodes \n.
    return "\t".join(f"{k}={str(v).replace(chr(10), chr(92) + 'n')}" for k, v in fields.items())


def parse_flat(line: str) -> dict[str, Any]:
    """The C runner's answer: `ok ...`, `error ...` or `skip REASON`."""
    word, _, rest = line.rstrip("\n").partition(" ")
    if word == "skip":
        return {"skip": rest}
    fields = dict(part.split("=", 1) for part in rest.split("\t") if "=" in part)
    if word == "error":
        error: dict[str, Any] = {"kind": fields.get("kind")}
        if fields.get("status"):
            error["status"] = int(fields["status"])
        for key in ("argument", "github_message"):
            if key in fields:
                error[key] = fields[key]
        return {"error": error}
    if "none" in rest.split("\t"):
        return {"ok": None}
    value: dict[str, Any] = {}
    for key in ("ids", "delete"):
        if key in fields:
            value[key] = [int(x) for x in fields[key].split(",") if x]
    if "id" in fields:
        value["id"] = int(fields["id"])
    if "name" in fields:
        value["name"] = fields["name"]
    links = {k: fields[k] == "1" for k in ("next", "prev", "first", "last") if k in fields}
    if links:
        value["links"] = links
    return {"ok": value}


def check(expect: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """Why `answer` does not meet `expect`, or None when it does."""
    if "error" in expect:
        error = answer.get("error")
        if error is None:
            return f"expected error {expect['error']}, got {answer}"
        for key, wanted in expect["error"].items():
            if error.get(key) != wanted:
                return f"error {key}: expected {wanted!r}, got {error.get(key)!r} ({error})"
        return None
    if "error" in answer:
        return f"unexpected error {answer['error']}"
    value = answer.get("ok")
    if expect.get("none"):
        return None if value is None else f"expected nothing, got {value}"
    if not isinstance(value, dict):
        return f"expected a value, got {value!r}"
    ids = value.get("ids")
    for key, wanted in expect.items():
        if key == "ids" and ids != wanted:
            return f"ids: expected {wanted}, got {ids}"
        if key == "count" and (ids is None or len(ids) != wanted):
            return f"count: expected {wanted}, got {None if ids is None else len(ids)}"
        if key == "descending" and ids != sorted(set(ids or []), reverse=True):
            return "ids are not distinct and newest first"
        if key == "links":
            links = value.get("links") or {}
            for rel, present in wanted.items():
                if bool(links.get(rel)) != present:
                    return f"link {rel}: expected {'present' if present else 'absent'}, got {links}"
        if key in ("id", "name") and value.get(key) != wanted:
            return f"{key}: expected {wanted!r}, got {value.get(key)!r}"
        if key == "delete" and sorted(value.get("delete") or []) != sorted(wanted):
            return f"deleted: expected {sorted(wanted)}, got {sorted(value.get('delete') or [])}"
    return None


def run_case(case: dict[str, Any], runner: Runner, emulator: Emulator, closed: str) -> tuple[str, str]:
    reason = case.get("skip", {}).get(runner.language)
    if reason is not None:
        return ("skip", reason)
    emulator.reset()
    for admin in case.get("setup", []):
        emulator.admin(admin["admin"], admin["path"], admin.get("body"))
    base = closed if case.get("base") == "closed" else emulator.url + case.get("base_path", "")
    token = TOKENS[case.get("token", "octocat")]
    for number, step in enumerate(case["steps"], 1):
        if "admin" in step:
            emulator.admin(step["admin"], step["path"], step.get("body"))
            continue
        request = {"base_url": base, "token": token, "client": case.get("client", {}), "call": step["call"]}
        answer = runner.run(request)
        if "skip" in answer:
            return ("skip", answer["skip"])
        problem = check(step["expect"], answer)
        if problem:
            return ("FAIL", f"step {number} ({step['call']['op']}): {problem}")
    return ("pass", "")


def main(argv: list[str]) -> int:
    commands = dict(arg.split("=", 1) for arg in argv)
    cases = json.loads((HERE / "cases.json").read_text())["cases"]
    ids = [case["id"] for case in cases]
    problems = []
    if len(set(ids)) != len(ids):
        problems.append("case ids are not unique")
    if len(cases) < MIN_CASES:
        problems.append(f"only {len(cases)} cases; the suite needs at least {MIN_CASES}")
    results: dict[str, dict[str, tuple[str, str]]] = {case["id"]: {} for case in cases}
    closed = closed_port_url()
    with Emulator.start() as emulator:
        for language, command in commands.items():
            runner = Runner(language, command)
            try:
                for case in cases:
                    results[case["id"]][language] = run_case(case, runner, emulator, closed)
            finally:
                runner.close()
    languages = list(commands)
    width = max(len(i) for i in ids)
    print(f"{'case':<{width}}  " + "  ".join(f"{lang:<6}" for lang in languages))
    for case_id in ids:
        cells = [results[case_id][lang][0] for lang in languages]
        print(f"{case_id:<{width}}  " + "  ".join(f"{cell:<6}" for cell in cells))
    print()
    for lang in languages:
        outcomes = [results[c][lang] for c in ids]
        counts = {s: sum(1 for o in outcomes if o[0] == s) for s in ("pass", "FAIL", "skip")}
        print(f"{lang}: {counts['pass']} passed, {counts['FAIL']} failed, {counts['skip']} skipped")
    for case_id in ids:
        for lang in languages:
            status, detail = results[case_id][lang]
            if status == "FAIL":
                problems.append(f"{case_id} [{lang}]: {detail}")
            elif status == "skip" and not detail.strip():
                problems.append(f"{case_id} [{lang}]: skipped without a reason")
            elif status == "skip":
                print(f"skipped {case_id} [{lang}]: {detail}")
    out = ROOT / "target" / "conformance"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    for problem in problems:
        print(f"conformance: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
