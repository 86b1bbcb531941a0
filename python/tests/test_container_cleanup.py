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


# octo-web's image 1.0.0 (index 100708 of platform manifests 100706, 100707)
# and manifest list 1.0.0-debug (100710 of 100709, 100707); keep_latest 1
# deletes both without references to them.
DEBUG_LIST = "sha256:c077a0d9adfbbe30b0485691cd4529c54112af3c6b66a1e3b921224f212dbec9"
IN_USE = [100706, 100707, 100708, 100709, 100710]


def test_what_is_in_use_is_kept_with_its_platform_manifests(
    emulator: Emulator, tmp_path: Path
) -> None:
    host = emulator.url.removeprefix("http://")
    deploy = tmp_path / "deploy.yaml"
    deploy.write_text(f"kind: Deployment\nspec:\n  image: {host}/octo-org/octo-web:1.0.0\n")
    compose = tmp_path / "compose.yml"
    compose.write_text(
        f"services:\n  web:\n    image: {host}/octo-org/octo-web@{DEBUG_LIST}\n"
        "  db:\n    image: ghcr.io/octo-org/octo-web:1.1.0\n"  # another registry
    )
    org = emulator.client().org("octo-org")
    policy = {"keep_latest": 1}
    unkept = org.plan_package_cleanup("container", "octo-web", policy)
    assert set(IN_USE) <= {d.version_id for d in unkept.deletions}

    plan = org.plan_package_cleanup(
        "container", "octo-web", policy, keep_refs_from=[deploy, str(compose)]
    )
    by_id = {d.version_id: d for d in plan.decisions}
    assert sorted(d.version_id for d in plan.deletions) == ORPHANS
    assert by_id[100708].rule == "in_use"
    assert by_id[100708].kept_by == [f"{deploy}:3"]
    assert by_id[100710].kept_by == [f"{compose}:3"]
    assert by_id[100710].to_dict()["kept_by"] == [f"{compose}:3"]
    for child in (100706, 100707, 100709):
        assert by_id[child].action == "keep" and by_id[child].rule == "index_child"
        assert by_id[child].kept_by == []

    # A directory is read whole; tags and digests one by one name their option.
    one_by_one = org.plan_package_cleanup(
        "container", "octo-web", policy, keep_tags=["1.0.0"], keep_digests=[DEBUG_LIST]
    )
    by_id = {d.version_id: d for d in one_by_one.decisions}
    assert by_id[100708].kept_by == ["keep_tags"]
    assert by_id[100710].kept_by == ["keep_digests"]
    several = org.plan_packages_cleanup(
        "container", ["octo-web"], policy, keep_refs_from=[tmp_path]
    )
    decisions = {d["version_id"]: d for d in several.packages[0]["decisions"]}
    assert decisions[100708]["kept_by"] == [f"{deploy}:3"]
    assert several.delete_count == len(ORPHANS)

    async def run() -> None:
        org = emulator.async_client().org("octo-org")
        plan = await org.plan_package_cleanup(
            "container", "octo-web", policy, keep_digests=[DEBUG_LIST]
        )
        assert 100710 not in {d.version_id for d in plan.deletions}

    asyncio.run(run())


def test_bad_references_to_keep(client: Client, tmp_path: Path) -> None:
    org = client.org("octo-org")
    policy = {"keep_latest": 1}
    bad = [
        ({"keep_digests": ["sha256:abc"]}, "keep_digests", "is not a manifest digest"),
        ({"keep_tags": ["a b"]}, "keep_tags", "is not a tag"),
        ({"keep_refs_from": [tmp_path / "missing.yaml"]}, "keep_refs_from", "cannot read"),
    ]
    for options, argument, message in bad:
        with pytest.raises(InvalidInputError, match=message) as raised:
            org.plan_package_cleanup("container", "octo-web", policy, **options)  # type: ignore[arg-type]
        assert raised.value.argument == argument
        with pytest.raises(InvalidInputError):
            org.plan_packages_cleanup("container", ["octo-*"], policy, **options)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        org.plan_package_cleanup("container", "octo-web", policy, keep_tags="1.0.0")
