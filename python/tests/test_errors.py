"""Every error kind of the core, mapped to its exception class, provoked for
real wherever a server can provoke it."""

from __future__ import annotations

import builtins
import datetime
from typing import Callable

import pytest

import ghpackages
from ghpackages import (
    AuthenticationError,
    Client,
    ConflictError,
    DecodeError,
    GitHubPackagesError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TimeoutError,
    TransportError,
    ValidationError,
)

from conftest import READONLY_TOKEN, Emulator

CLASSES: dict[str, type[GitHubPackagesError]] = {
    "not_found": NotFoundError,
    "unauthorized": AuthenticationError,
    "forbidden": PermissionDeniedError,
    "rate_limited": RateLimitError,
    "validation": ValidationError,
    "conflict": ConflictError,
    "invalid_input": InvalidInputError,
    "server": ServerError,
    "transport": TransportError,
    "timeout": TimeoutError,
    "decode": DecodeError,
    "other": GitHubPackagesError,
}


def test_every_kind_of_the_core_has_a_class() -> None:
    assert set(ghpackages._native._error_kinds()) == set(CLASSES)


@pytest.mark.parametrize("kind", sorted(CLASSES))
def test_kind_maps_to_its_class(kind: str) -> None:
    with pytest.raises(GitHubPackagesError) as caught:
        ghpackages._native._raise_error(kind, f"a {kind} error")
    assert type(caught.value) is CLASSES[kind]
    assert caught.value.code == kind
    assert caught.value.message == f"a {kind} error"
    assert str(caught.value) == f"a {kind} error"
    assert caught.value.status is None


def test_exceptions_raised_by_python_code_have_every_attribute() -> None:
    error = NotFoundError("raised by a test double")
    assert (error.code, error.status, error.message, error.request_id) == ("not_found", None, "", None)
    assert (error.documentation_url, error.rate_limit, error.retry_after) == (None, None, None)
    assert error.retryable is False
    assert RateLimitError("x").reset_at is None
    assert InvalidInputError("x").argument is None
    assert GitHubPackagesError("x").code == "other"


def test_builtin_bases() -> None:
    assert issubclass(InvalidInputError, ValueError)
    assert issubclass(TimeoutError, builtins.TimeoutError)
    assert issubclass(TransportError, ConnectionError)
    for cls in CLASSES.values():
        assert issubclass(cls, GitHubPackagesError)
        assert cls.__module__ == "ghpackages"


def assert_from_github(error: GitHubPackagesError, status: int, code: str) -> None:
    assert error.retryable is False
    assert error.status == status
    assert error.code == code
    assert error.message
    assert error.documentation_url and error.documentation_url.startswith("https://docs.github.com/")
    assert error.request_id


def test_not_found(client: Client) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.org("octo-org").get_package("npm", "no-such-package")
    assert_from_github(caught.value, 404, "not_found")
    assert "no-such-package" in str(caught.value)
    assert caught.value.github_message == "Package not found."


def test_unauthorized_bad_token(emulator: Emulator) -> None:
    client = emulator.client("ghp_not_a_real_token")
    with pytest.raises(AuthenticationError) as caught:
        client.me().list_packages("npm")
    assert_from_github(caught.value, 401, "unauthorized")
    assert "ghp_not_a_real_token" not in str(caught.value)
    assert "ghp_not_a_real_token" not in repr(caught.value)


def test_unauthorized_no_token(emulator: Emulator) -> None:
    client = emulator.client(None)
    assert not client.has_token
    with pytest.raises(AuthenticationError):
        client.org("octo-org").get_package("npm", "hello-world-npm")


def test_forbidden_missing_scope(emulator: Emulator) -> None:
    client = emulator.client(READONLY_TOKEN)
    with pytest.raises(PermissionDeniedError) as caught:
        client.me().delete_package("npm", "octo-scratch")
    assert_from_github(caught.value, 403, "forbidden")


def test_forbidden_popular_public_package(client: Client) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        client.org("octo-org").delete_package("npm", "hello-world-npm")
    assert "5000 downloads" in caught.value.message


def test_rate_limited_primary(start_emulator: Callable[..., Emulator]) -> None:
    client = start_emulator("--rate-limit", "2").client()
    me = client.me()
    me.list_packages("npm")
    me.list_packages("npm")
    with pytest.raises(RateLimitError) as caught:
        me.list_packages("npm")
    error = caught.value
    assert error.status in (403, 429)
    assert error.code == "rate_limited"
    assert error.rate_limit is not None and error.rate_limit.remaining == 0
    assert isinstance(error.reset_at, datetime.datetime)
    assert error.reset_at.tzinfo is not None
    assert error.reset_at == error.rate_limit.reset
    assert error.retryable is True


def test_rate_limited_secondary_has_retry_after(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("--points-per-minute", "2", "--rate-limit-status", "429")
    me = emulator.client().me()
    with pytest.raises(RateLimitError) as caught:
        for _ in range(3):
            me.list_packages("npm")
    assert caught.value.status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after > 0


def test_validation_last_version(client: Client) -> None:
    with pytest.raises(ValidationError) as caught:
        client.org("octo-org").delete_package_version("npm", "octo-config", 100026)
    assert_from_github(caught.value, 400, "validation")
    assert "last tagged version" in caught.value.message


def test_conflict_restore_into_taken_namespace(emulator: Emulator, client: Client) -> None:
    me = client.me()
    me.delete_package("npm", "octo-scratch")
    emulator.admin(
        "POST",
        "/packages",
        {"owner": "octocat", "package_type": "npm", "name": "octo-scratch", "versions": [{"name": "9.9.9"}]},
    )
    with pytest.raises(ConflictError) as caught:
        me.restore_package("npm", "octo-scratch")
    assert_from_github(caught.value, 409, "conflict")


def test_invalid_input_is_raised_before_any_request(closed_port_url: str) -> None:
    client = Client("t", base_url=closed_port_url, retry=RetryPolicy.none())
    with pytest.raises(InvalidInputError) as caught:
        client.org("octo-org").list_packages("container", per_page=0)
    assert caught.value.code == "invalid_input"
    assert caught.value.argument == "per_page"
    assert caught.value.status is None
    assert caught.value.github_message is None
    assert isinstance(caught.value, ValueError)


def test_server_error(start_emulator: Callable[..., Emulator]) -> None:
    client = start_emulator("--fault-error-rate", "1").client()
    with pytest.raises(ServerError) as caught:
        client.org("octo-org").get_package("npm", "octo-config")
    assert caught.value.status is not None and 500 <= caught.value.status <= 599
    assert caught.value.code == "server"
    assert caught.value.retryable is True


def test_server_error_after_retries(start_emulator: Callable[..., Emulator]) -> None:
    retry = RetryPolicy(2, initial_backoff=0.01, max_backoff=0.02)
    client = start_emulator("--fault-error-rate", "1").client(retry=retry)
    with pytest.raises(ServerError):
        client.org("octo-org").get_package("npm", "octo-config")


def test_transport_error(closed_port_url: str) -> None:
    client = Client("t", base_url=closed_port_url, retry=RetryPolicy.none())
    with pytest.raises(TransportError) as caught:
        client.me().list_packages("npm")
    assert caught.value.code == "transport"
    assert caught.value.status is None
    assert caught.value.retryable is True
    assert isinstance(caught.value, ConnectionError)


def test_dropped_connection_is_a_transport_error(start_emulator: Callable[..., Emulator]) -> None:
    client = start_emulator("--fault-drop-rate", "1").client()
    with pytest.raises(TransportError):
        client.me().list_packages("npm")


def test_timeout(start_emulator: Callable[..., Emulator]) -> None:
    client = start_emulator("--fault-latency-ms", "3000").client(timeout=0.2)
    with pytest.raises(TimeoutError) as caught:
        client.me().list_packages("npm")
    assert caught.value.code == "timeout"
    assert isinstance(caught.value, builtins.TimeoutError)


def test_decode_error(start_emulator: Callable[..., Emulator]) -> None:
    # A 200 answer whose JSON body is cut short.
    client = start_emulator("--fault-malformed-rate", "1").client()
    with pytest.raises(DecodeError) as caught:
        client.org("octo-org").get_package("npm", "octo-config")
    assert type(caught.value) is DecodeError
    assert caught.value.code == "decode"
    assert caught.value.status == 200
    assert caught.value.retryable is False


def test_other_status(start_emulator: Callable[..., Emulator]) -> None:
    client = start_emulator("--fault-error-rate", "1", "--fault-error-statuses", "418").client()
    with pytest.raises(GitHubPackagesError) as caught:
        client.org("octo-org").get_package("npm", "octo-config")
    assert type(caught.value) is GitHubPackagesError
    assert caught.value.code == "other"
    assert caught.value.status == 418
    assert caught.value.message == "I'm a teapot"
