"""Every operation of the sync client, for each owner family (org, user, me):
3 families x 9 operations = GitHub's 27."""

from __future__ import annotations

import pytest

from ghpackages import (
    Client,
    NotFoundError,
    Package,
    PackageType,
    PackageVersion,
    Page,
    VersionState,
    Visibility,
)

from conftest import Emulator, Family


def test_list_packages_one_page(client: Client, family: Family) -> None:
    page = family.owner(client).list_packages(PackageType.CONTAINER)
    assert isinstance(page, Page)
    names = [p.name for p in page.items]
    assert family.container in names
    assert all(isinstance(p, Package) for p in page)
    assert all(p.package_type is PackageType.CONTAINER for p in page)
    assert all(p.owner is not None and p.owner.login == family.login for p in page)
    assert page.links.next is None


def test_list_packages_visibility_filter(client: Client, family: Family) -> None:
    owner = family.owner(client)
    public = owner.list_all_packages("npm", visibility=Visibility.PUBLIC)
    private = owner.list_all_packages("npm", visibility="private")
    assert all(p.visibility is Visibility.PUBLIC for p in public)
    assert all(p.visibility is Visibility.PRIVATE for p in private)
    everything = {p.id for p in owner.list_all_packages("npm")}
    assert everything == {p.id for p in public} | {p.id for p in private}


def test_iter_and_list_all_packages(client: Client, family: Family) -> None:
    owner = family.owner(client)
    iterated = list(owner.stream_packages("container"))
    assert iterated == owner.list_all_packages("container")
    assert family.container in {p.name for p in iterated}


def test_get_package(client: Client, family: Family) -> None:
    package = family.owner(client).get_package("container", family.container)
    assert package.name == family.container
    assert package.package_type == "container"
    assert package.version_count == len(family.versions)


def test_delete_and_restore_package(client: Client, family: Family) -> None:
    owner = family.owner(client)
    package_type, name = family.deletable
    assert owner.delete_package(package_type, name) is None
    with pytest.raises(NotFoundError):
        owner.get_package(package_type, name)
    assert name not in {p.name for p in owner.list_all_packages(package_type)}
    assert owner.restore_package(package_type, name, token="restore-token") is None
    assert owner.get_package(package_type, name).name == name


def test_restore_package_without_token(client: Client, family: Family) -> None:
    owner = family.owner(client)
    package_type, name = family.deletable
    owner.delete_package(package_type, name)
    owner.restore_package(package_type, name)
    assert owner.get_package(package_type, name).name == name


def test_list_package_versions(client: Client, family: Family) -> None:
    page = family.owner(client).list_package_versions("container", family.container)
    assert all(isinstance(v, PackageVersion) for v in page)
    assert sorted(v.id for v in page) == family.versions
    created = [v.created_at for v in page]
    assert created == sorted(created, reverse=True)


def test_iter_and_list_all_package_versions(client: Client, family: Family) -> None:
    owner = family.owner(client)
    iterated = [v.id for v in owner.stream_package_versions("container", family.container)]
    listed = owner.list_all_package_versions(
        PackageType.CONTAINER, family.container, per_page=2
    )
    assert iterated == [v.id for v in listed]
    assert sorted(iterated) == family.versions


def test_get_package_version(client: Client, family: Family) -> None:
    version_id = family.versions[0]
    version = family.owner(client).get_package_version(
        "container", family.container, version_id
    )
    assert version.id == version_id
    assert version.metadata is not None
    assert version.metadata.package_type is PackageType.CONTAINER
    assert version.metadata.container is not None


def test_delete_and_restore_package_version(client: Client, family: Family) -> None:
    owner = family.owner(client)
    owner.delete_package_version("container", family.container, family.untagged)
    with pytest.raises(NotFoundError):
        owner.get_package_version("container", family.container, family.untagged)
    active = {v.id for v in owner.list_all_package_versions("container", family.container)}
    assert family.untagged not in active
    if family.name != "user":
        deleted = owner.list_all_package_versions(
            "container", family.container, state=VersionState.DELETED
        )
        assert [v.id for v in deleted] == [family.untagged]
        assert deleted[0].deleted_at is not None
    owner.restore_package_version("container", family.container, family.untagged)
    restored = owner.get_package_version("container", family.container, family.untagged)
    assert restored.deleted_at is None


def test_list_docker_migration_conflicts(client: Client, family: Family) -> None:
    conflicts = family.owner(client).list_docker_migration_conflicts()
    assert [p.name for p in conflicts] == [family.docker_conflict]
    assert conflicts[0].package_type is PackageType.DOCKER


def test_package_names_with_slashes(client: Client) -> None:
    org = client.org("octo-org")
    package = org.get_package("container", "octo-org/base-image")
    assert package.name == "octo-org/base-image"
    assert len(org.list_all_package_versions("container", package.name)) == 3


def test_ghes_base_path(emulator: Emulator) -> None:
    ghes = emulator.client(base_url=f"{emulator.url}/api/v3")
    assert ghes.base_url.endswith("/api/v3")
    assert ghes.org("octo-org").get_package("npm", "octo-config").name == "octo-config"
