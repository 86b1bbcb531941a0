"""Pagination: single pages with their links, lazy iterators, complete lists.
`release-train` (octo-org, npm, public) has 250 versions; `nightly-builds`
(octo-org, container) has 350."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlparse

from ghpackages import Client, Page, PackageVersion

from conftest import Emulator

RELEASES = 250


def page_number(url: str | None) -> int:
    assert url is not None
    return int(parse_qs(urlparse(url).query)["page"][0])


def test_single_pages_and_links(client: Client) -> None:
    org = client.org("octo-org")
    first = org.list_package_versions("npm", "release-train", per_page=100)
    assert len(first) == 100
    assert page_number(first.links.next) == 2
    assert page_number(first.links.last) == 3
    assert first.links.prev is None
    last = org.list_package_versions("npm", "release-train", per_page=100, page=3)
    assert len(last.items) == RELEASES - 200
    assert last.links.next is None
    assert page_number(last.links.prev) == 2
    assert page_number(last.links.first) == 1


def test_pages_chain_to_the_complete_list(client: Client) -> None:
    org = client.org("octo-org")
    by_pages: list[PackageVersion] = []
    page_no = 1
    while True:
        page: Page[PackageVersion] = org.list_package_versions(
            "npm", "release-train", per_page=60, page=page_no
        )
        by_pages.extend(page)
        if page.links.next is None:
            break
        page_no = page_number(page.links.next)
    everything = org.list_all_package_versions("npm", "release-train", per_page=60)
    assert [v.id for v in by_pages] == [v.id for v in everything]
    assert len({v.id for v in everything}) == RELEASES


def test_lazy_iteration_matches_complete_list(client: Client) -> None:
    org = client.org("octo-org")
    iterated = [v.id for v in org.stream_package_versions("container", "nightly-builds", per_page=100)]
    listed = [v.id for v in org.list_all_package_versions("container", "nightly-builds")]
    assert iterated == listed
    assert len(set(iterated)) == 350


def test_iteration_is_lazy(emulator: Emulator) -> None:
    """Taking 5 items of a 25-page list fetches a few pages, not all of them."""
    client = emulator.client(page_concurrency=2)
    org = client.org("octo-org")
    versions = org.stream_package_versions("npm", "release-train", per_page=10)
    first = list(itertools.islice(versions, 5))
    assert len(first) == 5
    probe = emulator.client()
    probe.org("octo-org").get_package("npm", "release-train")
    assert probe.rate_limit is not None
    # The probe's request, the first page, and at most the pages prefetched.
    assert probe.rate_limit.used <= 1 + 1 + 2
    rest = list(versions)
    assert len(first) + len(rest) == RELEASES


def test_iteration_starts_at_the_given_page(client: Client) -> None:
    org = client.org("octo-org")
    tail = list(org.stream_package_versions("npm", "release-train", per_page=100, page=3))
    assert len(tail) == RELEASES - 200


def test_exhausted_iterator_stays_exhausted(client: Client) -> None:
    versions = client.org("octo-org").stream_package_versions("container", "octo-app")
    assert len(list(versions)) == 8
    assert list(versions) == []
    assert iter(versions) is versions


def test_page_is_a_sequence_of_models(client: Client) -> None:
    page = client.org("octo-org").list_packages("npm", per_page=2)
    assert len(page) == 2
    assert list(page) == page.items
    assert page.items is not page.items
    assert "Page(items=2" in repr(page)
    assert page.rate_limit is not None and page.rate_limit.resource == "core"


def test_package_lists_paginate(client: Client) -> None:
    org = client.org("octo-org")
    one_each = [p.id for p in org.stream_packages("npm", per_page=1)]
    assert one_each == [p.id for p in org.list_all_packages("npm")]
    assert len(one_each) == 3
