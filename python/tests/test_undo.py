"""Undo you can aim, journals that know their server, cleanups that are always
undoable, and rate-limit waits you can see — through the binding, against the
emulator. Two prunes (20 nightly builds, then four npm versions) share one
journal and run fast enough that GitHub's `deleted_at` seconds repeat."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

import ghpackages
from ghpackages import Client, InvalidInputError, UndoReport, plan_cleanup

from conftest import TOKEN, Emulator

PACKAGES = [("container", "nightly-builds"), ("npm", "hello-world-npm")]


def active(client: Client) -> set[int]:
    org = client.org("octo-org")
    return {v.id for kind, name in PACKAGES for v in org.list_all_package_versions(kind, name)}


def prune(client: Client, journal: Path) -> None:
    org = client.org("octo-org")
    policies: list[dict[str, Any]] = [
        {"tags": "untagged", "keep_latest": 327},
        {"older_than": "1d", "exclude": [{"glob": "1.0.2"}], "keep_newest": False},
    ]
    for (kind, name), policy in zip(PACKAGES, policies):
        plan = plan_cleanup(org.list_all_package_versions(kind, name), policy)
        report = org.execute_cleanup(kind, name, plan, journal=journal, concurrency=8)
        assert report.deleted > 0 and report.failed == 0, report


def deleted_lines(journal: Path) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    return [line for line in lines if line["state"] == "deleted"]


def undo_restores_exactly(
    client: Client, journal: Path, expected: set[int], **filters: Any
) -> UndoReport:
    before = active(client)
    report = client.undo_cleanup(journal, **filters)
    after = active(client)
    assert after - before == expected, filters
    assert report.restored == len(expected)
    return report


@pytest.mark.parametrize("case", ["last", "package", "version", "time"])
def test_filters_restore_exactly_what_they_select(
    client: Client, tmp_path: Path, case: str
) -> None:
    journal = tmp_path / "prune.jsonl"
    prune(client, journal)
    lines = deleted_lines(journal)
    assert len(lines) == 24
    if case == "last":
        # The journal's order, not GitHub's seconds.
        undo_restores_exactly(client, journal, {l["version_id"] for l in lines[-3:]}, last=3)
    elif case == "package":
        npm = {l["version_id"] for l in lines if l["package"] == "hello-world-npm"}
        undo_restores_exactly(client, journal, npm, packages=["hello-*"])
    elif case == "version":
        first: int = lines[0]["version_id"]
        named: int = next(l["version_id"] for l in lines if l["version"] == "1.0.3")
        undo_restores_exactly(client, journal, {first, named}, versions=[str(first), "1.0.3"])
    else:
        times = sorted(l["at"] for l in lines)
        since, until = times[3], times[12]
        inside = {l["version_id"] for l in lines if since <= l["at"] <= until}
        undo_restores_exactly(client, journal, inside, since=since, until=until)


def test_a_dry_run_says_why_and_restores_nothing(client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "prune.jsonl"
    prune(client, journal)
    before = active(client)
    report = client.undo_cleanup(journal, dry_run=True, packages=["hello-world-npm"])
    assert active(client) == before
    assert report.dry_run is True
    assert [o["status"] for o in report.outcomes] == ["restorable"] * 4
    assert all("would be restored" in o["reason"] for o in report.outcomes)
    with pytest.raises(InvalidInputError) as caught:
        client.undo_cleanup(journal, last=0)
    assert caught.value.argument == "last"
    with pytest.raises(InvalidInputError):
        client.undo_cleanup(journal, since="yesterday")


def test_the_journals_server_decides(
    start_emulator: Callable[..., Emulator], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    home, other = start_emulator(), start_emulator()
    journal = tmp_path / "prune.jsonl"
    prune(home.client(), journal)
    with pytest.raises(InvalidInputError) as caught:
        other.client().undo_cleanup(journal)
    assert home.url in str(caught.value) and other.url in str(caught.value)
    monkeypatch.setenv("GITHUB_API_URL", other.url)
    env_aimed = Client(TOKEN, token_from_env=False)
    assert env_aimed.base_url == other.url
    with pytest.raises(InvalidInputError) as caught:
        env_aimed.undo_cleanup(journal)
    assert "GITHUB_API_URL" in str(caught.value)
    monkeypatch.delenv("GITHUB_API_URL")
    default = Client(TOKEN, token_from_env=False)
    assert default.base_url == "https://api.github.com"
    report = default.undo_cleanup(journal)
    assert report.restored == 24
    assert len(active(home.client())) == 350 + 5


SCRIPT = """
import json, sys
import ghpackages
url, step = sys.argv[1], sys.argv[2]
if step == "prune":
    org = ghpackages.Client(base_url=url).org("octo-org")
    versions = org.list_all_package_versions("npm", "hello-world-npm")
    plan = ghpackages.plan_cleanup(versions, {"older_than": "1d", "exclude": [{"glob": "1.0.2"}]})
    report = org.execute_cleanup("npm", "hello-world-npm", plan)
    print(json.dumps({"journal": report.journal, "deleted": report.deleted}))
else:
    report = ghpackages.Client().undo_cleanup(step)
    print(json.dumps({"restored": report.restored}))
"""


def test_a_script_without_a_journal_path_can_undo(emulator: Emulator, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_API_URL", "GH_TOKEN")}
    env.update(GITHUB_TOKEN=TOKEN, XDG_STATE_HOME=str(tmp_path / "state"))

    def run(step: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, emulator.url, step],
            env=env, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    pruned = run("prune")
    journal = Path(pruned["journal"])
    assert journal.is_relative_to(tmp_path / "state" / "ghpackages" / "journals")
    assert pruned["deleted"] == 3
    # Undone by a default client: the journal names the server.
    assert run(str(journal)) == {"restored": 3}
    assert len(emulator.client().org("octo-org").list_all_package_versions("npm", "hello-world-npm")) == 5


def test_without_a_file_the_report_holds_the_journal(client: Client) -> None:
    org = client.org("octo-org")
    plan = plan_cleanup(
        org.list_all_package_versions("npm", "hello-world-npm"),
        {"older_than": "1d", "exclude": [{"glob": "1.0.2"}]},
    )
    report = org.execute_cleanup("npm", "hello-world-npm", plan, journal_file=False)
    assert report.journal is None and "journal" not in report.to_dict()
    assert len(report.journal_entries) == 2 * report.deleted == 6
    assert {e["api_url"] for e in report.journal_entries} == {client.base_url}
    undone = client.undo_cleanup(report.journal_entries, last=1)
    assert undone.restored == 1
    undone = client.undo_cleanup(report.journal_entries)
    assert (undone.restored, undone.already_active) == (2, 1)
    with pytest.raises(InvalidInputError):
        org.execute_cleanup("npm", "hello-world-npm", plan, journal="j.jsonl", journal_file=False)


def test_rate_limit_waits_are_logged_and_called_back(
    start_emulator: Callable[..., Emulator], caplog: pytest.LogCaptureFixture
) -> None:
    # Two deletions (10 points) per window of four seconds (a minute sped up
    # 15 times): the third deletion comes within the window on any machine,
    # and GitHub refuses it with a Retry-After.
    emulator = start_emulator("--points-per-minute", "10", "--time-factor", "15")
    waits: list[dict[str, Any]] = []
    client = emulator.client(retry=ghpackages.RetryPolicy(), on_rate_limit=waits.append)
    org = client.org("octo-org")
    versions = [
        v for v in org.list_all_package_versions("container", "nightly-builds")
        if v.metadata is not None and v.metadata.container is not None
        and not v.metadata.container.tags
    ]
    assert len(versions) == 300
    started = datetime.now(timezone.utc)
    deleted = 0
    with caplog.at_level(logging.INFO, logger="ghpackages"):
        for version in versions:
            org.delete_package_version("container", "nightly-builds", version.id)
            deleted += 1
            # The deletion that waited went through after its wait; the rest
            # would only wait again.
            if waits:
                break
    assert waits, "no wait reached the callback"
    assert deleted >= 3, "a wait came before the budget was spent"
    assert {w["reason"] for w in waits} >= {"secondary"}
    for wait in waits:
        assert wait["wait_ms"] > 0, wait
        resume_at = datetime.fromisoformat(wait["resume_at"].replace("Z", "+00:00"))
        # Announced during the run, resuming after it was announced.
        announced = resume_at - timedelta(milliseconds=wait["wait_ms"])
        assert started - timedelta(milliseconds=1) <= announced < resume_at, wait
    records = [r for r in caplog.records if "resuming in" in r.getMessage()]
    assert records, caplog.text
    assert records[0].name == "ghpackages"
    assert records[0].levelno == logging.WARNING
    assert getattr(records[0], "reason") == "secondary"
    assert getattr(records[0], "resume_at")
    assert TOKEN not in caplog.text
