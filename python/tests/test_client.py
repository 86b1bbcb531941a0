"""Client settings: token sources, base URL, headers, timeouts, retries,
rate-limit state; the token never shows."""

from __future__ import annotations

import datetime
from typing import Callable

import pytest

from ghpackages import AsyncClient, Client, InvalidInputError, RetryPolicy, ServerError, plan_cleanup

from conftest import TOKEN, Emulator, RawServer

PACKAGE = b'{"id": 1, "name": "x", "package_type": "npm", "url": "u", "html_url": "h", "version_count": 0, "visibility": "public", "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}'


@pytest.fixture(autouse=True)
def no_token_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)


def test_token_from_github_token(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GH_TOKEN", "ghp_not_a_real_token")
    client = Client(base_url=emulator.url)
    assert client.has_token
    assert client.me().get_package("npm", "octo-scratch").name == "octo-scratch"


def test_token_from_gh_token(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    client = AsyncClient(base_url=emulator.url)
    assert client.has_token


def test_environment_can_be_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert not Client(token_from_env=False).has_token
    assert Client().has_token


def test_token_never_shows(emulator: Emulator) -> None:
    client = emulator.client("ghp_secret_value_123")
    for text in (repr(client), str(client), repr(client.me()), repr(client.org("octo-org"))):
        assert "ghp_secret_value_123" not in text
    assert repr(client) == f"Client(base_url='{emulator.url}', has_token=True)"


def test_default_base_url() -> None:
    assert Client("t").base_url == "https://api.github.com"
    assert AsyncClient("t").base_url == "https://api.github.com"


def test_base_url_is_normalized(emulator: Emulator) -> None:
    client = emulator.client(base_url=emulator.url + "/")
    assert client.base_url == emulator.url
    assert client.org("octo-org").get_package("npm", "octo-config").id == 1009


def test_headers_sent(raw_server: RawServer) -> None:
    url = raw_server.start(200, PACKAGE)
    client = Client(
        "t0k3n",
        base_url=url,
        api_version="2099-01-01",
        user_agent="cleanup-job/1.0",
    )
    assert (client.api_version, client.user_agent) == ("2099-01-01", "cleanup-job/1.0")
    client.org("octo-org").get_package("npm", "x")
    path, headers = raw_server.requests[-1]
    assert path == "/orgs/octo-org/packages/npm/x"
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["x-github-api-version"] == "2099-01-01"
    assert lowered["user-agent"] == "cleanup-job/1.0"
    assert lowered["authorization"].endswith("t0k3n")


def test_default_headers() -> None:
    client = AsyncClient("t")
    assert client.api_version == "2022-11-28"
    assert client.user_agent.startswith("ghpackages")


def test_rate_limit_and_scopes(emulator: Emulator) -> None:
    client = emulator.client()
    assert client.rate_limit is None
    assert client.token_scopes is None
    client.me().list_packages("npm")
    limit = client.rate_limit
    assert limit is not None
    assert (limit.limit, limit.used, limit.remaining) == (5000, 1, 4999)
    assert limit.resource == "core"
    assert isinstance(limit.reset, datetime.datetime)
    assert client.token_scopes == ["read:packages", "write:packages", "delete:packages", "repo"]
    assert "remaining=4999" in repr(limit)


def test_timeouts_accept_seconds_and_timedeltas(emulator: Emulator) -> None:
    client = emulator.client(
        timeout=datetime.timedelta(seconds=5), connect_timeout=2
    )
    assert client.me().list_packages("npm").items


def test_retry_policy() -> None:
    default = RetryPolicy()
    assert default.max_attempts == 5
    assert default.initial_backoff == pytest.approx(0.2)
    policy = RetryPolicy(
        3,
        initial_backoff=datetime.timedelta(milliseconds=50),
        max_backoff=1,
        max_total_wait=2.5,
    )
    assert (policy.max_attempts, policy.initial_backoff, policy.max_backoff, policy.max_total_wait) == (
        3,
        pytest.approx(0.05),
        1.0,
        2.5,
    )
    assert RetryPolicy.none().max_attempts == 1
    assert RetryPolicy(3) == RetryPolicy(3)
    assert RetryPolicy(3) != RetryPolicy(4)
    assert repr(RetryPolicy(2)).startswith("RetryPolicy(max_attempts=2,")


def test_retries_get_past_server_errors(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("--fault-error-rate", "0.5", "--fault-seed", "7")
    flaky = emulator.client(retry=RetryPolicy(10, initial_backoff=0.001, max_backoff=0.005))
    org = flaky.org("octo-org")
    assert [org.get_package("npm", "octo-config").id for _ in range(10)] == [1009] * 10
    no_retries = emulator.client()
    with pytest.raises(ServerError):
        for _ in range(50):
            no_retries.org("octo-org").get_package("npm", "octo-config")


def test_every_core_client_option_is_reachable(emulator: Emulator) -> None:
    client = Client(
        TOKEN,
        base_url=emulator.url,
        token_from_env=False,
        api_version="2022-11-28",
        user_agent="conformance",
        connect_timeout=1,
        timeout=2,
        retry=RetryPolicy(2),
        page_concurrency=2,
        allow_insecure_http=False,
        registry_url="http://127.0.0.1:9",
    )
    assert client.has_token


def test_a_cleanup_budget_is_checked_by_the_core(emulator: Emulator) -> None:
    client = Client(TOKEN, base_url=emulator.url, token_from_env=False)
    plan = plan_cleanup([], {"keep_latest": 1})
    with pytest.raises(InvalidInputError) as caught:
        client.org("octo-org").execute_cleanup("npm", "octo-config", plan, budget={"points": "many"})  # type: ignore[dict-item]
    assert caught.value.argument == "points"
    assert "u32" not in str(caught.value)
    with pytest.raises(TypeError):
        client.undo_cleanup("journal.jsonl", budget=[1, 2])  # type: ignore[arg-type]
