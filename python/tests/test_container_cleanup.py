"""Container cleanup with the manifest graph, from Python: the core plans
(`plan_package_cleanup`) and validates (`validate_container`); the binding only
passes options. `octo-org/octo-web` of the demo holds multi-platform images,
signatures and orphans; pruning untagged versions must delete exactly the
orphans 100700-100705 and 100711."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ghpackages import Client, InvalidInputError

from conftest import Emulator

ORPHANS = [100700, 100701, 100702, 100703, 100704, 100705, 100711]


def test_plan_execute_validate(client: Client, tmp_path: Path) -> None:
    org = client.org("octo-org")
    plan = org.plan_package_cleanup("container", "octo-web", {"tags": "untagged"})
    assert sorted(d.version_id for d in plan.deletions) == ORPHANS
    assert plan.graph is not None
    assert plan.graph["status"] == "read"
    assert plan.graph["fetched"] == 17
    rules = {d.version_id: d.rule for d in plan.decisions}
    assert rules[100705] == "orphaned_reference"
    assert rules[100706] == "index_child"
    report = org.execute_cleanup(
        "container", "octo-web", plan, journal=tmp_path / "prune.jsonl"
    )
    assert report.deleted == 7
    validation = org.validate_container("octo-web")
    assert validation["missing"] == []
    assert validation["unreadable"] == []
    assert validation["tags"] == 5


def test_options_are_passed_through(client: Client) -> None:
    org = client.org("octo-org")
    blind = org.plan_package_cleanup(
        "container", "octo-web", '{"tags": "untagged"}', manifest_graph=False
    )
    assert blind.graph is None
    assert blind.delete_count == 11
    kept = org.plan_package_cleanup(
        "container", "octo-web", {"tags": "untagged"}, delete_referenced=False
    )
    assert 100705 not in [d.version_id for d in kept.deletions]
    assert kept.graph is not None and kept.graph["delete_referenced"] is False
    with pytest.raises(InvalidInputError):
        org.plan_package_cleanup("container", "octo-web", {"tags": "untagged"}, concurrency=-1)
    # Other registries have no manifest graph.
    npm = org.plan_package_cleanup("npm", "release-train", {"keep_latest": 10})
    assert npm.graph is None


def test_an_unreadable_manifest_deletes_nothing(emulator: Emulator) -> None:
    digest = "sha256:" + "1" * 64
    emulator.admin(
        "POST",
        "/fixture",
        {
            "packages": [
                {
                    "owner": "octo-org",
                    "package_type": "container",
                    "name": "broken",
                    "versions": [
                        {"name": digest, "tags": ["latest"], "manifest": {"unreadable": True}},
                        {"name": "sha256:" + "2" * 64, "created_at": "2025-01-01T00:00:00Z"},
                    ],
                }
            ]
        },
    )
    org = emulator.client().org("octo-org")
    plan = org.plan_package_cleanup("container", "broken", {"tags": "untagged"})
    assert plan.delete_count == 0
    assert plan.graph is not None and plan.graph["status"] == "unreadable"
    assert "DENIED" in plan.graph["error"]
    assert {d.rule for d in plan.decisions} == {"graph_unreadable", "newest"}


def test_async_owner(emulator: Emulator) -> None:
    async def run() -> None:
        org = emulator.async_client().org("octo-org")
        plan = await org.plan_package_cleanup("container", "octo-web", {"tags": "untagged"})
        assert sorted(d.version_id for d in plan.deletions) == ORPHANS
        validation = await org.validate_container("octo-web")
        assert validation["missing"] == []

    asyncio.run(run())
