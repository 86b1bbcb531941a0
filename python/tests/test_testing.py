"""ghpackages.testing and its pytest plugin: the in-process emulator, its
clients and control methods, each checked through a client over HTTP, and
the bad input each refuses."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import ghpackages
from ghpackages.testing import Emulator

SMALL = {
    "users": [{"login": "carol"}],
    "tokens": [
        {"token": "ghp_carol", "user": "carol", "scopes": ["read:packages", "delete:packages"]}
    ],
    "packages": [
        {
            "owner": "carol",
            "package_type": "npm",
            "name": "tiny",
            "versions": [{"name": "1.0.0"}, {"name": "2.0.0"}],
        }
    ],
}


def names(versions: list[ghpackages.PackageVersion]) -> list[str]:
    return [v.name for v in versions]


def test_demo_data_and_its_first_token_by_default() -> None:
    with Emulator() as emulator:
        assert emulator.url.startswith("http://127.0.0.1:")
        assert emulator.default_token == "ghp_demo_octocat"
        package = emulator.client().org("octo-org").get_package("container", "octo-app")
        assert package.version_count == 8
    with pytest.raises(ghpackages.TransportError):
        ghpackages.Client(
            "ghp_demo_octocat", base_url=emulator.url, retry=ghpackages.RetryPolicy.none()
        ).org("octo-org").get_package("container", "octo-app")


def test_fixture_as_dict_or_file(tmp_path: Path) -> None:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(SMALL))
    for fixture in (SMALL, path, str(path)):
        with Emulator(fixture) as emulator:
            assert emulator.default_token == "ghp_carol"
            versions = emulator.client().user("carol").list_all_package_versions("npm", "tiny")
            assert names(versions) == ["2.0.0", "1.0.0"]
            with pytest.raises(ghpackages.AuthenticationError):
                emulator.client("ghp_demo_octocat").user("carol").get_package("npm", "tiny")


def test_client_token_can_be_chosen_and_the_environment_is_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_this_one")
    with Emulator() as emulator:
        readonly = emulator.client("ghp_demo_octocat_readonly").org("octo-org")
        with pytest.raises(ghpackages.PermissionDeniedError):
            readonly.delete_package_version("container", "octo-app", 100002)
        emulator.client().org("octo-org").delete_package_version("container", "octo-app", 100002)


def test_async_with_and_async_client() -> None:
    async def main() -> tuple[Emulator, str, list[str]]:
        async with Emulator(SMALL) as emulator:
            owner = emulator.async_client().user("carol")
            newest = emulator.versions("carol", "npm", "tiny")[0]
            await owner.delete_package_version("npm", "tiny", newest.id)
            deleted = emulator.versions("carol", "npm", "tiny", state="deleted")
            assert [v.id for v in deleted] == [newest.id]
            return emulator, newest.name, names(emulator.versions("carol", "npm", "tiny"))

    emulator, deleted, left = asyncio.run(main())
    assert (deleted, left) == ("2.0.0", ["1.0.0"])
    # Leaving the block stopped it: its control methods refuse, its url is closed.
    with pytest.raises(ghpackages.GitHubPackagesError, match="stopped") as stopped:
        emulator.now()
    assert stopped.value.code == "other"
    with pytest.raises(ghpackages.TransportError):
        ghpackages.Client(
            "ghp_carol", base_url=emulator.url, retry=ghpackages.RetryPolicy.none()
        ).user("carol").get_package("npm", "tiny")


def test_async_client_with_a_token_of_its_own() -> None:
    async def main() -> None:
        async with Emulator() as emulator:
            # A token the demo data does not hold is refused by the server.
            stranger = emulator.async_client("ghp_not_in_the_fixture").org("octo-org")
            with pytest.raises(ghpackages.AuthenticationError):
                await stranger.get_package("container", "octo-app")
            # A known token that may read but not delete.
            readonly = emulator.async_client("ghp_demo_octocat_readonly").org("octo-org")
            assert (await readonly.get_package("container", "octo-app")).id == 1001
            with pytest.raises(ghpackages.PermissionDeniedError):
                await readonly.delete_package_version("container", "octo-app", 100002)
            assert [
                v.id for v in emulator.versions("octo-org", "container", "octo-app", state="deleted")
            ] == []

    asyncio.run(main())


def test_clock_moves_the_restore_window() -> None:
    with Emulator() as emulator:
        before = emulator.now()
        owner = emulator.client().org("octo-org")
        owner.delete_package_version("container", "octo-app", 100002)
        deleted = emulator.versions("octo-org", "container", "octo-app", state="deleted")
        assert [v.id for v in deleted] == [100002]
        emulator.advance_clock(days=29, hours=23)
        assert emulator.now() - before >= timedelta(days=29, hours=23)
        emulator.advance_clock(hours=2)
        assert emulator.versions("octo-org", "container", "octo-app", state="deleted") == []
        with pytest.raises(ghpackages.NotFoundError):
            owner.restore_package_version("container", "octo-app", 100002)
        emulator.advance_clock(days=-30)
        owner.restore_package_version("container", "octo-app", 100002)


def test_faults_at_start_and_set_at_runtime() -> None:
    faults = {"error_rate": 1.0, "error_statuses": [503]}
    with Emulator(faults=faults) as emulator:
        client = emulator.client(retry=ghpackages.RetryPolicy.none())
        with pytest.raises(ghpackages.ServerError) as caught:
            client.org("octo-org").get_package("container", "octo-app")
        assert caught.value.status == 503
        emulator.set_faults(error_rate=1.0, error_statuses=[418], seed=1)
        with pytest.raises(ghpackages.GitHubPackagesError) as teapot:
            client.org("octo-org").get_package("container", "octo-app")
        assert teapot.value.status == 418
        emulator.set_faults()
        assert client.org("octo-org").get_package("container", "octo-app").id == 1001


def test_limits_off_by_default_and_on_when_asked() -> None:
    with Emulator() as emulator:
        client = emulator.client()
        client.org("octo-org").get_package("container", "octo-app")
        assert client.rate_limit is None
    with Emulator(limits=True, time_factor=60) as emulator:
        client = emulator.client()
        client.org("octo-org").get_package("container", "octo-app")
        assert client.rate_limit is not None and client.rate_limit.limit == 5000


def test_add_package_and_load() -> None:
    created = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    with Emulator({}) as emulator:
        assert emulator.default_token is None
        with pytest.raises(ghpackages.InvalidInputError, match="no tokens"):
            emulator.client()
        with pytest.raises(ghpackages.InvalidInputError, match="no tokens"):
            emulator.async_client()
        emulator.load(SMALL)
        emulator.add_package(
            "carol",
            ghpackages.PackageType.CONTAINER,
            "app",
            visibility="public",
            versions=[{"name": "sha256:" + "a" * 64, "tags": ["v1"], "created_at": created}],
        )
        version = emulator.client("ghp_carol").user("carol").list_all_package_versions(
            "container", "app"
        )[0]
        assert version.created_at == created
        assert version.metadata is not None and version.metadata.container is not None
        assert version.metadata.container.tags == ["v1"]
        assert emulator.versions("carol", "container", "app") == [version]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ghpackages.InvalidInputError, match="invalid fixture"):
        Emulator({"users": [{"login": "x", "unknown": 1}]})
    with pytest.raises(ghpackages.InvalidInputError, match="time factor"):
        Emulator(time_factor=0)
    with pytest.raises(ghpackages.InvalidInputError, match="invalid faults"):
        Emulator(faults={"error_rat": 1.0})
    with pytest.raises(TypeError):
        Emulator(time_factor="fast")  # type: ignore[arg-type]
    with Emulator() as emulator:
        with pytest.raises(ghpackages.InvalidInputError, match="error_rate"):
            emulator.set_faults(error_rate=2.0)
        with pytest.raises(ValueError, match="timezone"):
            emulator.add_package(
                "octo-org", "npm", "naive", versions=[{"name": "1", "created_at": datetime(2025, 1, 1)}]
            )
        with pytest.raises(ghpackages.InvalidInputError, match="invalid package: .*octo-app"):
            emulator.add_package("octo-org", "container", "octo-app")
        with pytest.raises(ghpackages.InvalidInputError, match="debian") as bad_type:
            emulator.add_package("octo-org", "debian", "x")
        assert bad_type.value.argument == "package_type"
        with pytest.raises(TypeError, match="package_type"):
            emulator.add_package("octo-org", 3, "x")  # type: ignore[arg-type]
        with pytest.raises(ghpackages.InvalidInputError, match="debian") as bad_type:
            emulator.versions("octo-org", "debian", "octo-app")
        assert bad_type.value.argument == "package_type"
        with pytest.raises(ghpackages.InvalidInputError, match="gone"):
            emulator.versions("octo-org", "container", "octo-app", state="gone")
        with pytest.raises(TypeError):
            emulator.versions("octo-org", "container", "octo-app", "deleted")  # type: ignore[misc]
        with pytest.raises(ghpackages.InvalidInputError, match="demo"):
            emulator.load("demo")
    emulator.stop()
    with pytest.raises(ghpackages.GitHubPackagesError, match="stopped") as stopped:
        emulator.advance_clock(days=1)
    assert stopped.value.code == "other"


def test_unknown_accounts_and_packages_are_not_found() -> None:
    with Emulator() as emulator:
        with pytest.raises(ghpackages.NotFoundError, match="missing"):
            emulator.versions("octo-org", "container", "missing")
        with pytest.raises(ghpackages.NotFoundError, match="nobody"):
            emulator.versions("nobody", "container", "octo-app")
        with pytest.raises(ghpackages.NotFoundError, match='no account "nobody"') as caught:
            emulator.add_package("nobody", "npm", "x")
        assert "invalid fixture" not in str(caught.value)
        assert caught.value.code == "not_found"
        # Nothing was created: the owner still has no such package.
        with pytest.raises(ghpackages.NotFoundError):
            emulator.versions("nobody", "npm", "x")


def test_an_unreadable_fixture_path_names_the_path_and_the_demo_name(tmp_path: Path) -> None:
    for fixture in ("demo2", tmp_path / "no-such.json"):
        with pytest.raises(ghpackages.InvalidInputError) as caught:
            Emulator(fixture)
        message = str(caught.value)
        assert str(fixture) in message, message
        assert '"demo"' in message, message
        assert caught.value.argument == "fixture"
    with Emulator({}) as emulator:
        with pytest.raises(ghpackages.InvalidInputError, match="demo2"):
            emulator.load("demo2")


def test_fixtures_that_are_not_a_mapping_or_a_path_are_a_type_error() -> None:
    # An int would otherwise be a file descriptor (0: standard input).
    for fixture in (0, 3, 1.5, b"demo", ["demo"], None):
        with pytest.raises(TypeError, match="fixture"):
            Emulator(fixture)  # type: ignore[arg-type]
    with Emulator({}) as emulator:
        with pytest.raises(TypeError, match="fixture"):
            emulator.load(0)  # type: ignore[arg-type]


def test_clock_moves_that_are_not_finite_or_out_of_range_are_refused() -> None:
    with Emulator() as emulator:
        emulator.advance_clock(days=2)
        before = emulator.now()
        for move in (
            {"days": 999_999_999},
            {"days": 1e12},
            {"days": -1e9},
            {"seconds": 1e300},
            {"hours": float("inf")},
        ):
            with pytest.raises(ghpackages.InvalidInputError, match="1970-01-01 to 9999-12-31|finite"):
                emulator.advance_clock(**move)
        with pytest.raises(ghpackages.InvalidInputError, match="days: .*finite.*NaN") as nan:
            emulator.advance_clock(days=float("nan"))
        assert nan.value.argument == "days"
        with pytest.raises(TypeError):
            emulator.advance_clock(seconds="5")  # type: ignore[arg-type]
        # Refused moves changed nothing: the clock is still two days ahead.
        assert emulator.now() - before < timedelta(days=1)
        assert emulator.now() - datetime.now(timezone.utc) > timedelta(days=1)


def test_async_exit_waits_for_the_stop_without_blocking_the_event_loop() -> None:
    async def main() -> tuple[bool, BaseException | None]:
        ran_during_exit = asyncio.Event()
        async with Emulator(faults={"latency_ms": 60_000}) as emulator:
            client = emulator.async_client(retry=ghpackages.RetryPolicy.none())
            request = asyncio.ensure_future(
                client.org("octo-org").get_package("container", "octo-app")
            )
            await asyncio.sleep(0.5)  # lets the request reach the server
            # Scheduled now, runs only if the exit below yields to the loop.
            asyncio.get_running_loop().call_soon(ran_during_exit.set)
        ran = ran_during_exit.is_set()
        failure = None
        try:
            await request
        except BaseException as error:  # noqa: BLE001
            failure = error
        return ran, failure

    ran, failure = asyncio.run(main())
    assert ran, "the event loop did not run while the emulator stopped"
    # The request (60 s of latency) did not finish: after the grace period
    # its connection was closed.
    assert isinstance(failure, ghpackages.TransportError), repr(failure)


def test_plugin_fixture_gives_the_demo_data(ghpackages_emulator: Emulator) -> None:
    assert ghpackages_emulator.default_token == "ghp_demo_octocat"
    assert len(ghpackages_emulator.versions("octo-org", "container", "octo-app")) == 8


@pytest.mark.ghpackages_emulator(SMALL, faults={"error_rate": 1.0, "error_statuses": [500]})
def test_plugin_marker_sets_data_and_options(ghpackages_emulator: Emulator) -> None:
    client = ghpackages_emulator.client(retry=ghpackages.RetryPolicy.none())
    with pytest.raises(ghpackages.ServerError):
        client.user("carol").get_package("npm", "tiny")
    assert ghpackages_emulator.default_token == "ghp_carol"


@pytest.mark.ghpackages_emulator(limits=True, time_factor=60)
def test_plugin_marker_limits_and_time_factor(ghpackages_emulator: Emulator) -> None:
    client = ghpackages_emulator.client()
    client.org("octo-org").get_package("container", "octo-app")
    rate_limit = client.rate_limit
    assert rate_limit is not None and rate_limit.limit == 5000
    # At 60 times speed the hourly window that request opened closes a
    # minute later on the emulator's clock (an hour at the default speed).
    assert rate_limit.reset - ghpackages_emulator.now() <= timedelta(seconds=61)
    assert ghpackages_emulator.default_token == "ghp_demo_octocat"


def test_plugin_marker_with_more_than_one_positional_argument_is_an_error(
    tmp_path: Path,
) -> None:
    test_file = tmp_path / "test_two_args.py"
    test_file.write_text(
        "import pytest\n"
        "@pytest.mark.ghpackages_emulator('demo', True)\n"
        "def test_it(ghpackages_emulator):\n"
        "    pass\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout, run.stdout
    assert "takes one positional argument (the fixture), not 2" in run.stdout, run.stdout


class TestUserDataFixture:
    @pytest.fixture
    def ghpackages_emulator_data(self) -> dict[str, Any]:
        return SMALL

    def test_overrides_the_demo_data(self, ghpackages_emulator: Emulator) -> None:
        assert names(ghpackages_emulator.versions("carol", "npm", "tiny")) != []
        with pytest.raises(ghpackages.NotFoundError):
            ghpackages_emulator.versions("octo-org", "container", "octo-app")

    @pytest.mark.ghpackages_emulator("demo")
    def test_a_marker_fixture_wins_over_it(self, ghpackages_emulator: Emulator) -> None:
        assert ghpackages_emulator.default_token == "ghp_demo_octocat"
        assert len(ghpackages_emulator.versions("octo-org", "container", "octo-app")) == 8
        with pytest.raises(ghpackages.NotFoundError):
            ghpackages_emulator.versions("carol", "npm", "tiny")

    @pytest.mark.ghpackages_emulator(faults={"error_rate": 1.0, "error_statuses": [503]})
    def test_a_marker_without_a_fixture_keeps_it(self, ghpackages_emulator: Emulator) -> None:
        assert ghpackages_emulator.default_token == "ghp_carol"
        assert names(ghpackages_emulator.versions("carol", "npm", "tiny")) == ["2.0.0", "1.0.0"]
        client = ghpackages_emulator.client(retry=ghpackages.RetryPolicy.none())
        with pytest.raises(ghpackages.ServerError) as caught:
            client.user("carol").get_package("npm", "tiny")
        assert caught.value.status == 503
