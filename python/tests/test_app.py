"""GitHub App authentication against the emulator's demo apps: app 1001 is
installed on octo-org (4201, packages: write) and octocat (4202, read); app
1002 on octo-org (4203, read). The key pair is the emulator's test-only one."""

from __future__ import annotations

import asyncio
import pathlib
import threading

import pytest

import ghpackages
from conftest import REPO, Emulator

KEYS = REPO / "crates" / "ghpackages-emulator" / "fixtures" / "test-app"
PRIVATE_KEY = (KEYS / "private-key.pem").read_text()


def app_client(emulator: Emulator, app: ghpackages.GitHubApp) -> ghpackages.Client:
    return ghpackages.Client(base_url=emulator.url, token_from_env=False, app=app)


def tokens_issued(emulator: Emulator, installation: int) -> int:
    return int(emulator.admin("GET", f"/installations/{installation}")["tokens_issued"])


def test_an_installation_by_id_reads_and_deletes(emulator: Emulator) -> None:
    app = ghpackages.GitHubApp(1001, PRIVATE_KEY, installation_id=4201)
    assert app.app_id == "1001" and app.installation_id == 4201 and app.owner is None
    assert "PRIVATE" not in repr(app)
    client = app_client(emulator, app)
    assert client.has_token
    org = client.org("octo-org")
    package = org.get_package("container", "octo-app")
    assert package.visibility == ghpackages.Visibility.PRIVATE
    versions = org.list_all_package_versions("container", "octo-app")
    org.delete_package_version("container", "octo-app", versions[-1].id)
    org.restore_package_version("container", "octo-app", versions[-1].id)
    assert tokens_issued(emulator, 4201) == 1


def test_an_installation_by_owner_with_a_key_file(emulator: Emulator) -> None:
    app = ghpackages.GitHubApp(
        "Iv1.testapp0001", KEYS / "private-key.pem", owner="octocat"
    )
    assert app.owner == "octocat"
    client = app_client(emulator, app)
    assert client.user("octocat").get_package("npm", "octo-scratch").name == "octo-scratch"
    assert tokens_issued(emulator, 4202) == 1


def test_threads_share_one_exchange(emulator: Emulator) -> None:
    client = app_client(emulator, ghpackages.GitHubApp(1001, PRIVATE_KEY, owner="octo-org"))
    org = client.org("octo-org")
    errors: list[BaseException] = []

    def get() -> None:
        try:
            org.get_package("container", "octo-app")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=get) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert tokens_issued(emulator, 4201) == 1


def test_the_async_client_takes_an_app(emulator: Emulator) -> None:
    app = ghpackages.GitHubApp(1001, PRIVATE_KEY, installation_id=4201)

    async def run() -> str:
        client = ghpackages.AsyncClient(base_url=emulator.url, token_from_env=False, app=app)
        package = await client.org("octo-org").get_package("container", "octo-app")
        return package.name

    assert asyncio.run(run()) == "octo-app"


def test_a_read_only_installation_may_not_delete(emulator: Emulator) -> None:
    client = app_client(emulator, ghpackages.GitHubApp(1002, PRIVATE_KEY, installation_id=4203))
    org = client.org("octo-org")
    version = org.list_package_versions("container", "octo-app").items[0].id
    with pytest.raises(ghpackages.PermissionDeniedError) as raised:
        org.delete_package_version("container", "octo-app", version)
    assert raised.value.status == 403


def test_a_read_only_installation_cleanup_stops_before_deleting(
    emulator: Emulator, tmp_path: pathlib.Path
) -> None:
    client = app_client(emulator, ghpackages.GitHubApp(1002, PRIVATE_KEY, installation_id=4203))
    org = client.org("octo-org")
    plan = org.plan_package_cleanup("npm", "release-train", {"keep_latest": 200})
    assert plan.delete_count == 50
    journal = tmp_path / "prune.jsonl"
    with pytest.raises(ghpackages.PermissionDeniedError) as raised:
        org.execute_cleanup("npm", "release-train", plan, journal=journal)
    assert "has packages: read permission; this needs packages: write" in str(raised.value)
    assert "installation 4203" in str(raised.value)
    assert not journal.exists() or journal.read_text() == ""
    assert len(org.list_all_package_versions("npm", "release-train")) == 250


def test_unknown_installations_are_not_found(emulator: Emulator) -> None:
    for app, message in [
        (ghpackages.GitHubApp(1001, PRIVATE_KEY, installation_id=999), "installation 999"),
        (ghpackages.GitHubApp(1001, PRIVATE_KEY, owner="mona"), "no installation on mona"),
    ]:
        with pytest.raises(ghpackages.NotFoundError) as raised:
            app_client(emulator, app).org("octo-org").get_package("container", "octo-app")
        assert message in str(raised.value)


def test_a_wrong_key_is_refused(emulator: Emulator) -> None:
    other = (KEYS / "other-private-key.pem").read_text()
    client = app_client(emulator, ghpackages.GitHubApp(1001, other, installation_id=4201))
    with pytest.raises(ghpackages.AuthenticationError) as raised:
        client.org("octo-org").get_package("container", "octo-app")
    assert "PRIVATE KEY" not in str(raised.value)


def test_a_path_given_as_pem_text_gets_a_hint() -> None:
    for text in [str(KEYS / "private-key.pem"), "/path/private-key.pem", "key.pem"]:
        with pytest.raises(ghpackages.InvalidInputError) as raised:
            ghpackages.GitHubApp(1001, text, installation_id=1)
        assert "looks like a file path" in str(raised.value), raised.value
        assert "pathlib.Path" in str(raised.value)
        assert "BEGIN" not in str(raised.value)
    with pytest.raises(ghpackages.InvalidInputError) as raised:
        ghpackages.GitHubApp(1001, "not a key", installation_id=1)
    assert "looks like a file path" not in str(raised.value)


def test_bad_app_arguments(tmp_path: pathlib.Path) -> None:
    for kwargs, argument in [
        ({"app_id": 1001, "private_key": "not a key", "installation_id": 1}, "private_key"),
        ({"app_id": 1001, "private_key": tmp_path / "missing.pem", "installation_id": 1}, "private_key_path"),
        ({"app_id": 1001, "private_key": PRIVATE_KEY}, "installation_id"),
        ({"app_id": 1001, "private_key": PRIVATE_KEY, "installation_id": 1, "owner": "octo-org"}, "installation_id"),
        ({"app_id": 1001, "private_key": PRIVATE_KEY, "installation_id": -1}, "installation_id"),
    ]:
        with pytest.raises(ghpackages.InvalidInputError) as raised:
            ghpackages.GitHubApp(**kwargs)  # type: ignore[arg-type]
        assert raised.value.argument == argument, raised.value
        assert "BEGIN" not in str(raised.value)
    with pytest.raises(TypeError):
        ghpackages.GitHubApp(1001.5, PRIVATE_KEY, installation_id=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ghpackages.GitHubApp(1001, b"bytes", installation_id=1)  # type: ignore[arg-type]
    app = ghpackages.GitHubApp(1001, PRIVATE_KEY, installation_id=1)
    with pytest.raises(ghpackages.InvalidInputError) as raised:
        ghpackages.Client("ghp_token", app=app)
    assert raised.value.argument == "app"
