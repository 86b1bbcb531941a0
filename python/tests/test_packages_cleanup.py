"""A cleanup over several packages from Python: the core selects, plans,
executes and applies (`plan_packages_cleanup`, `execute_packages_cleanup`,
`apply_cleanup_plan`); the binding only converts. The demo's octo-org has the
container packages octo-app and octo-web (among others)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ghpackages
from ghpackages import Client, InvalidInputError, NotFoundError, PackagesPlan

POLICY = {"tags": "untagged", "keep_latest": 2}


def test_one_run_plans_each_package_as_alone_and_shares_a_journal(
    client: Client, tmp_path: Path
) -> None:
    org = client.org("octo-org")
    plan = org.plan_packages_cleanup("container", ["octo-app", "octo-w*"], POLICY)
    assert isinstance(plan, PackagesPlan)
    assert plan.format_version == 1
    assert plan.owner == "octo-org"
    assert plan.package_type == "container"
    names = [p["package"] for p in plan.packages]
    assert names == ["octo-app", "octo-web"]
    for package in plan.packages:
        alone = org.plan_package_cleanup("container", package["package"], POLICY)
        assert [(d["version_id"], d["action"], d["rule"]) for d in package["decisions"]] == [
            (d.version_id, d.action, d.rule) for d in alone.decisions
        ]
    progress: list[dict] = []
    report = org.execute_packages_cleanup(
        plan, journal=tmp_path / "org.jsonl", on_progress=progress.append
    )
    assert isinstance(report, ghpackages.PackagesReport)
    assert report.is_success
    assert report.deleted == plan.delete_count > 0
    assert [p["target"]["package"] for p in report.packages] == names
    assert len(progress) == plan.delete_count
    assert progress[-1]["total"]["done"] == plan.delete_count
    lines = (tmp_path / "org.jsonl").read_text().splitlines()
    assert {json.loads(line)["package"] for line in lines} == set(names)
    undone = client.undo_cleanup(tmp_path / "org.jsonl")
    assert undone.restored == plan.delete_count


def test_saved_plan_applies_only_to_what_did_not_change(
    client: Client, tmp_path: Path
) -> None:
    org = client.org("octo-org")
    plan = org.plan_packages_cleanup("container", ["octo-app"], POLICY)
    saved = tmp_path / "plan.json"
    saved.write_text(plan.to_json())
    read = PackagesPlan.from_json(saved.read_text())
    assert read.to_dict() == plan.to_dict()
    deletions = [
        d["version_id"] for d in read.packages[0]["decisions"] if d["action"] == "delete"
    ]
    gone = deletions[0]
    org.delete_package_version("container", "octo-app", gone)
    report = org.apply_cleanup_plan(read, journal_file=False)
    assert [s["version_id"] for s in report.skipped] == [gone]
    assert "gone since the plan" in report.skipped[0]["reason"]
    assert report.deleted == len(deletions) - 1


def test_check_each_is_on_by_default_and_can_be_turned_off(client: Client) -> None:
    org = client.org("octo-org")
    plan = org.plan_packages_cleanup("container", ["octo-app", "octo-web"], POLICY)
    for package, check_each in [("octo-app", False), ("octo-web", True)]:
        one = PackagesPlan.from_json(plan.to_json())
        one_dict = one.to_dict()
        one_dict["packages"] = [p for p in one_dict["packages"] if p["package"] == package]
        one = PackagesPlan.from_json(json.dumps(one_dict))
        report = org.apply_cleanup_plan(one, journal_file=False, check_each=check_each)
        assert report.is_success and report.skipped == []
        assert report.deleted == one.delete_count > 0
    # Checked before each deletion or not, a saved plan applies once: what it
    # deleted is then gone since the plan.
    again = org.apply_cleanup_plan(plan, journal_file=False)
    assert again.deleted == 0
    assert len(again.skipped) == plan.delete_count
    with pytest.raises(TypeError):
        org.apply_cleanup_plan(plan, check_each="yes")  # type: ignore[arg-type]


def test_bad_input_is_refused(client: Client) -> None:
    org = client.org("octo-org")
    with pytest.raises(InvalidInputError, match="package pattern"):
        org.plan_packages_cleanup("container", ["octo-["], POLICY)
    with pytest.raises(NotFoundError, match="no container package of octo-org matches"):
        org.plan_packages_cleanup("container", ["nope-*"], POLICY)
    with pytest.raises(InvalidInputError, match="not JSON"):
        PackagesPlan.from_json("{")
    plan = org.plan_packages_cleanup("container", ["octo-app"], POLICY)
    future = plan.to_dict()
    future["format_version"] = 2
    with pytest.raises(InvalidInputError, match="format version 2"):
        PackagesPlan.from_json(json.dumps(future))
    with pytest.raises(InvalidInputError, match="the plan is for organization octo-org"):
        client.org("other-org").apply_cleanup_plan(plan)
