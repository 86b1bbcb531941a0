"""Tests of cleanup_untagged.py, offline: `ghpackages_emulator` is a fresh
emulator of the GitHub Packages API per test, with the demo data."""

from __future__ import annotations

import pytest
from cleanup_untagged import delete_untagged

from ghpackages import NotFoundError, RetryPolicy, ServerError
from ghpackages.testing import Emulator


def test_deletes_untagged_versions_once_they_are_30_days_old(
    ghpackages_emulator: Emulator,
) -> None:
    emulator = ghpackages_emulator
    emulator.add_package(
        "octo-org",
        "container",
        "web",
        versions=[  # created now, on the emulator's clock
            {"name": "sha256:" + "1" * 64, "tags": ["latest"]},
            {"name": "sha256:" + "2" * 64},
            {"name": "sha256:" + "3" * 64},
        ],
    )
    client = emulator.client()  # the demo's first token, ghp_demo_octocat
    assert delete_untagged(client, "octo-org", "web", now=emulator.now()) == []

    emulator.advance_clock(days=31)
    deleted = delete_untagged(client, "octo-org", "web", now=emulator.now())

    assert len(deleted) == 2
    left = emulator.versions("octo-org", "container", "web")
    assert [v.name for v in left] == ["sha256:" + "1" * 64]
    gone = emulator.versions("octo-org", "container", "web", state="deleted")
    assert sorted(v.id for v in gone) == sorted(deleted)

    # A deletion can be undone for 30 days, and not after.
    web = client.org("octo-org")
    web.restore_package_version("container", "web", deleted[0])
    assert len(emulator.versions("octo-org", "container", "web")) == 2
    emulator.advance_clock(days=31)
    with pytest.raises(NotFoundError):
        web.restore_package_version("container", "web", deleted[1])


def test_survives_a_502(ghpackages_emulator: Emulator) -> None:
    emulator = ghpackages_emulator
    # A third of the requests answer 502 Bad Gateway; seeded, so every run alike.
    emulator.set_faults(error_rate=0.3, error_statuses=[502], seed=1)
    no_retries = emulator.client(retry=RetryPolicy.none())
    with pytest.raises(ServerError):
        delete_untagged(no_retries, "octo-org", "octo-app")

    delete_untagged(emulator.client(), "octo-org", "octo-app")  # retries 502s

    emulator.set_faults()
    left = emulator.versions("octo-org", "container", "octo-app")
    assert [v.id for v in left] == [100008, 100006, 100003, 100001]  # the tagged ones
