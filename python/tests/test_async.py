"""The asyncio client: every operation for each owner family, async
iteration, concurrency on one event loop, errors and cancellation."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Coroutine, TypeVar

import pytest

from ghpackages import (
    AsyncClient,
    AsyncOwner,
    InvalidInputError,
    NotFoundError,
    Package,
    PackageType,
    PackageVersion,
    RetryPolicy,
    TransportError,
    VersionState,
)

from conftest import Emulator, Family

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


async def collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


def test_every_operation(emulator: Emulator, family: Family) -> None:
    async def scenario() -> None:
        owner: AsyncOwner = family.owner(emulator.async_client())
        page = await owner.list_packages("container")
        assert family.container in [p.name for p in page]
        listed = await owner.list_all_packages(PackageType.CONTAINER)
        iterated = await collect(owner.stream_packages("container"))
        assert iterated == listed

        package = await owner.get_package("container", family.container)
        assert isinstance(package, Package)

        package_type, name = family.deletable
        assert await owner.delete_package(package_type, name) is None  # type: ignore[func-returns-value]
        with pytest.raises(NotFoundError):
            await owner.get_package(package_type, name)
        assert await owner.restore_package(package_type, name, token="t") is None  # type: ignore[func-returns-value]
        assert (await owner.get_package(package_type, name)).name == name

        versions = await owner.list_package_versions("container", family.container)
        assert sorted(v.id for v in versions) == family.versions
        all_versions = await owner.list_all_package_versions(
            "container", family.container, per_page=1
        )
        iterated_versions = await collect(
            owner.stream_package_versions("container", family.container, per_page=2)
        )
        assert [v.id for v in all_versions] == [v.id for v in iterated_versions]

        version = await owner.get_package_version("container", family.container, family.untagged)
        assert isinstance(version, PackageVersion)
        await owner.delete_package_version("container", family.container, family.untagged)
        if family.name != "user":
            deleted = await owner.list_all_package_versions(
                "container", family.container, state=VersionState.DELETED
            )
            assert [v.id for v in deleted] == [family.untagged]
        await owner.restore_package_version("container", family.container, family.untagged)
        restored = await owner.get_package_version(
            "container", family.container, family.untagged
        )
        assert restored.deleted_at is None

        conflicts = await owner.list_docker_migration_conflicts()
        assert [p.name for p in conflicts] == [family.docker_conflict]

    run(scenario())


def test_async_iteration_over_many_pages(emulator: Emulator) -> None:
    async def scenario() -> list[int]:
        org = emulator.async_client().org("octo-org")
        return [v.id async for v in org.stream_package_versions("container", "nightly-builds")]

    ids = run(scenario())
    assert len(ids) == 350
    assert ids == sorted(ids, reverse=True)


def test_exhausted_async_iterator(emulator: Emulator) -> None:
    async def scenario() -> None:
        versions = emulator.async_client().me().stream_package_versions("container", "hello_docker")
        assert versions.__aiter__() is versions
        assert len(await collect(versions)) == 3
        assert await collect(versions) == []

    run(scenario())


def test_requests_run_concurrently(start_emulator: Callable[..., Emulator]) -> None:
    """Four requests that each wait 1 s in the server overlap on one loop."""
    emulator = start_emulator("--fault-latency-ms", "1000")

    async def scenario() -> list[str]:
        org = emulator.async_client().org("octo-org")
        packages = await asyncio.gather(
            *(org.get_package("npm", "octo-config") for _ in range(4))
        )
        return [p.name for p in packages]

    started = time.monotonic()
    assert run(scenario()) == ["octo-config"] * 4
    assert time.monotonic() - started < 3.0


def test_errors_are_raised_by_await(emulator: Emulator, closed_port_url: str) -> None:
    async def scenario() -> None:
        with pytest.raises(NotFoundError) as caught:
            await emulator.async_client().org("octo-org").get_package("npm", "nope")
        assert caught.value.status == 404
        offline = AsyncClient("t", base_url=closed_port_url, retry=RetryPolicy.none())
        with pytest.raises(TransportError):
            await offline.me().list_packages("npm", per_page=1)
        with pytest.raises(TransportError):
            await collect(offline.me().stream_packages("npm"))

    run(scenario())


def test_bad_input_raises_at_the_call(closed_port_url: str) -> None:
    async def scenario() -> None:
        me = AsyncClient("t", base_url=closed_port_url).me()
        with pytest.raises(InvalidInputError):
            me.list_packages("gems")
        with pytest.raises(TypeError):
            me.get_package_version("npm", "x", "1")  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError):
            await me.list_packages("npm", per_page=0)

    run(scenario())


def test_cancellation(start_emulator: Callable[..., Emulator]) -> None:
    emulator = start_emulator("--fault-latency-ms", "20000")

    async def scenario() -> None:
        me = emulator.async_client().me()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(me.list_packages("npm"), timeout=0.2)

    started = time.monotonic()
    run(scenario())
    assert time.monotonic() - started < 10


def test_one_client_on_several_event_loops(emulator: Emulator) -> None:
    client = emulator.async_client()

    async def get() -> str:
        return (await client.org("octo-org").get_package("npm", "octo-config")).name

    assert run(get()) == "octo-config"
    assert run(get()) == "octo-config"
