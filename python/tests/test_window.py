"""An organization with more packages than GitHub lists in one listing
(10,000): `list_all_packages` still returns all of them when each visibility
fits, and fails with a `ValidationError` naming the window otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import Emulator
from ghpackages import ValidationError


def wide_org(public: int, private: int) -> dict[str, Any]:
    def package(visibility: str, n: int) -> dict[str, Any]:
        return {
            "owner": "wide-org",
            "package_type": "npm",
            "name": f"{visibility}-{n:05}",
            "visibility": visibility,
        }

    return {
        "users": [{"login": "wide"}],
        "orgs": [{"login": "wide-org", "members": [{"login": "wide", "role": "admin"}]}],
        "tokens": [{"token": "ghp_wide", "user": "wide", "scopes": ["read:packages"]}],
        "packages": [package("public", n) for n in range(public)]
        + [package("private", n) for n in range(private)],
    }


def test_more_than_ten_thousand_packages(emulator: Emulator) -> None:
    emulator.admin("POST", "/fixture", wide_org(6_000, 4_050))
    org = emulator.client("ghp_wide").org("wide-org")
    packages = org.list_all_packages("npm")
    assert len(packages) == 10_050
    assert len({package.id for package in packages}) == 10_050
    with pytest.raises(ValidationError) as caught:
        list(org.stream_packages("npm"))
    assert caught.value.status is None
    assert "10000" in str(caught.value)
    assert "visibility" in str(caught.value)
