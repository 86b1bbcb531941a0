"""One client shared by threads; the GIL is released while requests wait;
Ctrl-C interrupts a blocked call."""

from __future__ import annotations

import _thread
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import pytest

from ghpackages import Client

from conftest import Emulator


def test_threads_share_one_client(client: Client) -> None:
    org = client.org("octo-org")
    names = ["octo-app", "octo-org/base-image", "nightly-builds"]

    def work(i: int) -> tuple[str, int]:
        name = names[i % len(names)]
        versions = org.list_all_package_versions("container", name, per_page=50)
        return org.get_package("container", name).name, len(versions)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(48)))
    expected = {"octo-app": 8, "octo-org/base-image": 3, "nightly-builds": 350}
    assert all(expected[name] == count for name, count in results)
    assert len(results) == 48


def test_threads_share_one_iterator(client: Client) -> None:
    versions = client.org("octo-org").stream_package_versions(
        "container", "nightly-builds", per_page=20
    )
    seen: list[int] = []
    lock = threading.Lock()

    def drain() -> None:
        for version in versions:
            with lock:
                seen.append(version.id)

    threads = [threading.Thread(target=drain) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(100045, 100395))


def test_requests_in_flight_overlap(start_emulator: Callable[..., Emulator]) -> None:
    """Four requests that each wait 1 s in the server overlap: had a waiting
    call held the GIL, they would have taken 4 s one after another."""
    client = start_emulator("--fault-latency-ms", "1000").client()
    org = client.org("octo-org")
    barrier = threading.Barrier(4)

    def get(_: int) -> str:
        barrier.wait()
        return org.get_package("npm", "octo-config").name

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        names = list(pool.map(get, range(4)))
    elapsed = time.monotonic() - started
    assert names == ["octo-config"] * 4
    assert elapsed < 3.0


def test_keyboard_interrupt_cancels_a_blocked_call(
    start_emulator: Callable[..., Emulator],
) -> None:
    client = start_emulator("--fault-latency-ms", "20000").client()
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.me().list_packages("npm")
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10
