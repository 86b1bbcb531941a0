"""Bad input raises a Python exception before any request: `InvalidInputError`
(a `ValueError`) for bad values, `TypeError` for wrong types. The client
points at a closed port, so any request sent would be a `TransportError`."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from ghpackages import (
    AsyncClient,
    Client,
    InvalidInputError,
    Owner,
    PackageType,
    RetryPolicy,
    Visibility,
)


@pytest.fixture
def owner(closed_port_url: str) -> Owner:
    return Client("t", base_url=closed_port_url, retry=RetryPolicy.none()).org("octo-org")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda o: o.list_packages("gems"), "package_type"),
        (lambda o: o.list_packages(Visibility.PUBLIC), "package_type"),
        (lambda o: o.list_packages("npm", visibility="secret"), "visibility"),
        (lambda o: o.list_packages("npm", per_page=0), "per_page"),
        (lambda o: o.list_packages("npm", per_page=101), "per_page"),
        (lambda o: o.list_packages("npm", page=0), "page"),
        (lambda o: o.list_packages("npm", page=-1), "page"),
        (lambda o: o.list_packages("npm", per_page=100, page=101), "page"),
        (lambda o: o.list_all_packages("npm", per_page=0), "per_page"),
        (lambda o: o.get_package("Container", "x"), "package_type"),
        (lambda o: o.get_package("npm", ""), "package_name"),
        (lambda o: o.get_package("npm", "a b"), "package_name"),
        (lambda o: o.delete_package("npm", "a/../b"), "package_name"),
        (lambda o: o.restore_package("npm", "x", token=" "), "token"),
        (lambda o: o.list_package_versions("npm", "x", state="gone"), "state"),
        (lambda o: o.list_package_versions("npm", "x", per_page=1000), "per_page"),
        (lambda o: o.list_all_package_versions("npm", "x", page=0), "page"),
        (lambda o: o.get_package_version("npm", "x", 0), "package_version_id"),
        (lambda o: o.get_package_version("npm", "x", -5), "package_version_id"),
        (lambda o: o.delete_package_version("npm", "x", -1), "package_version_id"),
        (lambda o: o.restore_package_version("npm", "", 1), "package_name"),
    ],
)
def test_invalid_values(owner: Owner, call: Callable[[Owner], Any], argument: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        call(owner)
    assert isinstance(caught.value, ValueError)
    assert caught.value.argument == argument
    assert caught.value.code == "invalid_input"


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.list_packages(5),
        lambda o: o.list_packages(None),
        lambda o: o.list_packages("npm", per_page="10"),
        lambda o: o.list_packages("npm", visibility=1),
        lambda o: o.get_package("npm", 42),
        lambda o: o.get_package_version("npm", "x", "100001"),
        lambda o: o.get_package_version("npm", "x", 1.5),
        lambda o: o.restore_package("npm", "x", token=5),
        lambda o: o.get_package("npm"),
        lambda o: o.list_packages("npm", per_page=1, unknown=2),
        lambda o: o.stream_packages(PackageType.NPM, page=[1]),
    ],
)
def test_wrong_types(owner: Owner, call: Callable[[Owner], Any]) -> None:
    with pytest.raises(TypeError):
        call(owner)


def test_type_errors_name_the_argument(owner: Owner) -> None:
    with pytest.raises(TypeError, match="package_type must be a str or a PackageType member, not int"):
        owner.list_packages(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="state must be a str or a VersionState member, not list"):
        owner.list_package_versions("npm", "x", state=["active"])  # type: ignore[arg-type]


def test_lazy_iterators_reject_bad_input(owner: Owner) -> None:
    with pytest.raises(InvalidInputError):
        list(owner.stream_packages("npm", per_page=0))
    with pytest.raises(InvalidInputError):
        list(owner.stream_package_versions("npm", "x", state="gone"))
    with pytest.raises(InvalidInputError):
        list(owner.stream_package_versions("npm", "", per_page=10))


def test_user_family_cannot_list_deleted_versions(closed_port_url: str) -> None:
    client = Client("t", base_url=closed_port_url)
    with pytest.raises(InvalidInputError) as caught:
        client.user("octocat").list_package_versions("npm", "x", state="deleted")
    assert caught.value.argument == "state"


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda url: Client("t", base_url=url).org(""), "org"),
        (lambda url: Client("t", base_url=url).user("a/b"), "username"),
    ],
)
def test_invalid_owners(
    closed_port_url: str, make: Callable[[str], Owner], argument: str
) -> None:
    owner = make(closed_port_url)
    with pytest.raises(InvalidInputError) as caught:
        owner.list_packages("npm")
    assert caught.value.argument == argument


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"connect_timeout": float("inf")}, "connect_timeout"),
        ({"page_concurrency": -2}, "page_concurrency"),
        ({"page_concurrency": 0}, "page_concurrency"),
        ({"retry": RetryPolicy(0)}, "retry"),
        ({"api_version": ""}, "api_version"),
        ({"base_url": "not a url"}, "base_url"),
        ({"base_url": "ftp://example.com"}, "base_url"),
    ],
)
def test_invalid_client_settings(options: dict[str, Any], argument: str) -> None:
    for cls in (Client, AsyncClient):
        with pytest.raises(InvalidInputError) as caught:
            cls("t", **options)
        assert caught.value.argument == argument


def test_empty_token_is_invalid() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Client("")
    assert caught.value.argument == "token"


@pytest.mark.parametrize(
    "options",
    [{"timeout": "10"}, {"retry": 3}, {"token_from_env": "yes"}, {"base_url": 1}],
)
def test_wrong_client_setting_types(options: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        Client("t", **options)


def test_invalid_retry_policies() -> None:
    with pytest.raises(InvalidInputError):
        RetryPolicy(-1)
    with pytest.raises(InvalidInputError):
        RetryPolicy(initial_backoff=-0.5)
    with pytest.raises(TypeError):
        RetryPolicy(max_backoff="1s")  # type: ignore[arg-type]


def test_unknown_error_kind_helper_is_invalid_input() -> None:
    import ghpackages

    with pytest.raises(InvalidInputError):
        ghpackages._native._raise_error("no_such_kind", "x")


@pytest.mark.parametrize(
    "url", ["http://evil.localhost:9", "http://10.0.0.1:9", "http://ghes.example.com"]
)
def test_plain_http_beyond_loopback_is_refused_naming_the_python_option(url: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Client("ghp_secret_value", base_url=url, token_from_env=False)
    assert caught.value.argument == "base_url"
    message = str(caught.value)
    assert "allow_insecure_http=True" in message, message
    assert "ghp_secret_value" not in message
