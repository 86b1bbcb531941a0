"""Cleanup: plan a prune under a retention policy, execute it with an undo
journal, undo it. `octo-org/octo-app` (container) has 8 versions, 4 of them
untagged: 100002, 100004, 100005, 100007."""

from __future__ import annotations

import asyncio
import datetime
import json
import sys
from pathlib import Path

import pytest

from ghpackages import (
    CleanupDecision,
    CleanupPlan,
    CleanupReport,
    UndoReport,
    Client,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    Visibility,
    plan_cleanup,
)

from conftest import READONLY_TOKEN, Emulator

UNTAGGED = [100002, 100004, 100005, 100007]


def active_ids(client: Client) -> list[int]:
    versions = client.org("octo-org").list_all_package_versions("container", "octo-app")
    return sorted(v.id for v in versions)


def test_plan_decides_every_version(client: Client) -> None:
    versions = client.org("octo-org").list_all_package_versions("container", "octo-app")
    plan = plan_cleanup(versions, {"tags": "untagged"})
    assert isinstance(plan, CleanupPlan)
    assert len(plan.decisions) == 8
    assert plan.delete_count == 4
    assert [d.version_id for d in plan.deletions] == UNTAGGED
    assert all(isinstance(d, CleanupDecision) for d in plan.decisions)
    assert {d.rule for d in plan.deletions} == {"policy"}
    assert {d.action for d in plan.kept} == {"keep"}
    kept_rules = {d.version_id: d.rule for d in plan.kept}
    assert kept_rules[100008] == "newest"
    assert kept_rules[100001] == "tagged"
    assert all(d.reason for d in plan.decisions)
    created = [d.created_at for d in plan.decisions]
    assert created == sorted(created, reverse=True)
    assert plan.policy["tags"] == "untagged"
    assert plan.to_dict()["decisions"][0]["version_id"] == 100008
    assert repr(plan) == "CleanupPlan(versions=8, delete=4)"
    assert "action='delete'" in repr(plan.deletions[0])


def test_policy_as_json_text_and_now(client: Client) -> None:
    versions = client.org("octo-org").list_all_package_versions("container", "octo-app")
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    plan = plan_cleanup(versions, '{"older_than": "30d", "keep_latest": 2}', now=long_ago)
    assert plan.now == long_ago
    assert plan.delete_count == 0
    assert {d.rule for d in plan.kept} >= {"too_recent", "keep_latest"}


def test_plan_facts(client: Client) -> None:
    versions = client.org("octo-org").list_all_package_versions("container", "octo-app")
    downloads = {v.id: 10_000 for v in versions}
    plan = plan_cleanup(
        versions, {"tags": "untagged"}, visibility=Visibility.PUBLIC, downloads=downloads
    )
    assert plan.delete_count == 0
    assert {d.rule for d in plan.decisions} >= {"github_download_limit"}


def test_bad_policies(client: Client) -> None:
    versions = client.org("octo-org").list_all_package_versions("container", "octo-app")
    with pytest.raises(InvalidInputError) as caught:
        plan_cleanup(versions, {"keep_everything": True})
    assert caught.value.argument == "policy"
    with pytest.raises(InvalidInputError):
        plan_cleanup(versions, "{not json")
    with pytest.raises(TypeError):
        plan_cleanup(versions, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        plan_cleanup(["not a version"], {})  # type: ignore[list-item]


def test_execute_and_undo(client: Client, tmp_path: Path) -> None:
    org = client.org("octo-org")
    versions = org.list_all_package_versions("container", "octo-app")
    plan = plan_cleanup(versions, {"tags": "untagged"})
    journal = tmp_path / "prune.jsonl"

    progress: list[dict[str, object]] = []
    report = org.execute_cleanup(
        "container", "octo-app", plan, journal=journal, concurrency=2, on_outcome=progress.append
    )
    assert (report.deleted, report.already_gone, report.failed) == (4, 0, 0)
    assert sorted(progress, key=lambda o: str(o["version_id"])) == sorted(
        report.outcomes, key=lambda o: str(o["version_id"])
    )
    assert sorted(o["version_id"] for o in report.outcomes) == UNTAGGED
    assert {o["status"] for o in report.outcomes} == {"deleted"}
    assert report.target["package"] == "octo-app"
    assert isinstance(report, CleanupReport) and report.is_success
    assert report.started_at <= report.finished_at
    assert report.journal == str(journal) and report.journal_entries == []
    assert repr(report) == "CleanupReport(deleted=4, already_gone=0, failed=0)"
    as_dict = report.to_dict()
    assert as_dict["deleted"] == 4 and as_dict["outcomes"] == report.outcomes
    assert set(as_dict) == {"target", "started_at", "finished_at", "deleted", "already_gone",
                            "failed", "journal", "outcomes"}
    assert active_ids(client) == [100001, 100003, 100006, 100008]
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert sorted(e["version_id"] for e in lines if e["state"] == "deleted") == UNTAGGED

    restores: list[dict[str, object]] = []
    undone = client.undo_cleanup(str(journal), on_outcome=restores.append)
    assert (undone.restored, undone.failed) == (4, 0)
    assert isinstance(undone, UndoReport) and undone.is_success
    assert undone.dry_run is False and undone.expired == 0 and undone.namespace_reused == 0
    assert [o["status"] for o in undone.outcomes] == ["restored"] * 4
    assert undone.to_dict()["restored"] == 4
    assert repr(undone).startswith("UndoReport(restored=4, restorable=0,")
    assert sorted(o["version_id"] for o in restores) == UNTAGGED  # type: ignore[type-var]
    assert {o["status"] for o in restores} == {"restored"}
    assert active_ids(client) == list(range(100001, 100009))

    again = client.undo_cleanup(journal)
    assert again.already_active == 4


def test_execute_needs_delete_scope(emulator: Emulator, tmp_path: Path) -> None:
    client = emulator.client(READONLY_TOKEN)
    org = client.org("octo-org")
    plan = plan_cleanup(
        org.list_all_package_versions("container", "octo-app"), {"tags": "untagged"}
    )
    with pytest.raises(PermissionDeniedError) as caught:
        org.execute_cleanup("container", "octo-app", plan, journal=tmp_path / "j.jsonl")
    assert "delete:packages" in str(caught.value)
    assert active_ids(emulator.client()) == list(range(100001, 100009))


def test_bad_cleanup_options(client: Client, tmp_path: Path) -> None:
    org = client.org("octo-org")
    plan = plan_cleanup(org.list_all_package_versions("container", "octo-app"), {"tags": "untagged"})
    with pytest.raises(InvalidInputError):
        org.execute_cleanup("container", "octo-app", plan, concurrency=0)
    with pytest.raises(InvalidInputError):
        org.execute_cleanup("container", "octo-app", plan, concurrency=-1)
    with pytest.raises(TypeError):
        org.execute_cleanup("container", "octo-app", {"tags": "untagged"})  # type: ignore[arg-type]
    with pytest.raises(NotFoundError) as caught:
        client.undo_cleanup(tmp_path / "missing.jsonl")
    assert caught.value.status is None
    assert active_ids(client) == list(range(100001, 100009))


def test_failing_progress_callback_does_not_stop_the_run(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = client.org("octo-org")
    plan = plan_cleanup(org.list_all_package_versions("container", "octo-app"), {"tags": "untagged"})
    calls: list[object] = []

    def broken(outcome: dict[str, object]) -> None:
        calls.append(outcome)
        raise RuntimeError("callback failed")

    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(u.exc_value))
    report = org.execute_cleanup("container", "octo-app", plan, on_outcome=broken)
    assert report.deleted == 4
    assert len(calls) == 4
    assert [str(e) for e in unraisable] == ["callback failed"] * 4
    with pytest.raises(TypeError, match="on_outcome must be callable"):
        client.undo_cleanup(tmp_path / "j.jsonl", on_outcome="print")  # type: ignore[arg-type]


def test_async_execute_and_undo(emulator: Emulator, tmp_path: Path) -> None:
    async def scenario() -> None:
        client = emulator.async_client()
        me = client.me()
        versions = await me.list_all_package_versions("container", "hello_docker")
        plan = plan_cleanup(versions, {"tags": "untagged"})
        assert [d.version_id for d in plan.deletions] == [100031]
        journal = tmp_path / "async.jsonl"
        report = await me.execute_cleanup("container", "hello_docker", plan, journal=journal)
        assert report.deleted == 1
        remaining = await me.list_all_package_versions("container", "hello_docker")
        assert sorted(v.id for v in remaining) == [100030, 100032]
        undone = await client.undo_cleanup(journal)
        assert undone.restored == 1
        restored = await me.list_all_package_versions("container", "hello_docker")
        assert len(restored) == 3

    asyncio.run(scenario())


def test_a_request_budget_stops_the_run_and_a_new_plan_continues(
    client: Client, tmp_path: Path
) -> None:
    org = client.org("octo-org")
    journal = tmp_path / "budget.jsonl"
    plan = plan_cleanup(org.list_all_package_versions("container", "octo-app"), {"tags": "untagged"})
    report = org.execute_cleanup(
        "container", "octo-app", plan, journal=journal, concurrency=1, budget={"max_requests": 3}
    )
    assert report.deleted == 3 and report.is_success
    stopped = report.stopped
    assert stopped is not None
    assert (stopped["reason"], stopped["requests"], stopped["left"]) == ("max_requests", 3, 1)
    assert report.to_dict()["stopped"] == stopped

    # Planned afresh from what is there: only the one left, deleted once.
    plan = plan_cleanup(org.list_all_package_versions("container", "octo-app"), {"tags": "untagged"})
    assert plan.delete_count == 1
    rest = org.execute_cleanup(
        "container", "octo-app", plan, journal=journal, budget={"max_requests": 3}
    )
    assert (rest.deleted, rest.already_gone, rest.stopped) == (1, 0, None)
    assert active_ids(client) == [100001, 100003, 100006, 100008]
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert sorted(e["version_id"] for e in lines if e["state"] == "deleted") == UNTAGGED


def test_bad_budgets(client: Client) -> None:
    org = client.org("octo-org")
    plan = plan_cleanup(org.list_all_package_versions("container", "octo-app"), {"tags": "untagged"})
    with pytest.raises(InvalidInputError, match="max_requests must be at least 1"):
        org.execute_cleanup("container", "octo-app", plan, budget={"max_requests": 0})
    with pytest.raises(InvalidInputError, match="reserve"):
        org.execute_cleanup("container", "octo-app", plan, budget={"reserve": -1})
    with pytest.raises(InvalidInputError, match="undo"):
        client.undo_cleanup([], budget={"max_requests": 5})
    assert active_ids(client) == list(range(100001, 100009))
