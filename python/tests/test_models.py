"""Models: typed attributes, datetimes, enums, repr, equality, to_dict()."""

from __future__ import annotations

import datetime
import json
import urllib.request

import pytest

from ghpackages import (
    Client,
    ContainerMetadata,
    MinimalRepository,
    Package,
    PackageType,
    PackageVersion,
    PackageVersionMetadata,
    SimpleUser,
    VersionState,
    Visibility,
)

from conftest import TOKEN, Emulator


def raw_json(emulator: Emulator, path: str) -> object:
    request = urllib.request.Request(
        emulator.url + path, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_package_attributes(client: Client) -> None:
    package = client.org("octo-org").get_package("npm", "hello-world-npm")
    assert isinstance(package, Package)
    assert package.id == 1003
    assert package.name == "hello-world-npm"
    assert package.package_type is PackageType.NPM
    assert package.visibility is Visibility.PUBLIC
    assert package.version_count == 5
    assert package.url.endswith("/orgs/octo-org/packages/npm/hello-world-npm")
    assert package.html_url.startswith("http://127.0.0.1:")
    assert isinstance(package.created_at, datetime.datetime)
    assert package.created_at.tzinfo is not None
    assert package.created_at.utcoffset() == datetime.timedelta(0)
    assert package.updated_at >= package.created_at

    owner = package.owner
    assert isinstance(owner, SimpleUser)
    assert (owner.login, owner.id, owner.type) == ("octo-org", 6811672, "Organization")
    assert owner.site_admin is False
    assert owner.node_id and owner.avatar_url and owner.url and owner.html_url

    repository = package.repository
    assert isinstance(repository, MinimalRepository)
    assert repository.full_name == "octo-org/hello-world"
    assert repository.name == "hello-world"
    assert repository.private is False
    assert repository.fork is False
    assert repository.owner == owner
    assert repository.description == "My first repository on GitHub!"


def test_package_without_repository(client: Client) -> None:
    package = client.org("octo-org").get_package("container", "octo-org/base-image")
    assert package.repository is None


def test_version_attributes(client: Client) -> None:
    org = client.org("octo-org")
    version = org.get_package_version("container", "octo-app", 100008)
    assert isinstance(version, PackageVersion)
    assert version.id == 100008
    assert version.name.startswith("sha256:")
    assert version.url.endswith("/versions/100008")
    assert version.package_html_url
    assert version.deleted_at is None
    metadata = version.metadata
    assert isinstance(metadata, PackageVersionMetadata)
    assert metadata.package_type is PackageType.CONTAINER
    assert isinstance(metadata.container, ContainerMetadata)
    assert "latest" in metadata.container.tags
    assert metadata.docker is None

    npm = org.get_package_version("npm", "hello-world-npm", 100012)
    assert npm.name == "1.0.0"
    assert npm.license is not None
    assert npm.description is not None


def test_docker_metadata(client: Client) -> None:
    versions = client.org("octo-org").list_all_package_versions("docker", "legacy-app")
    tagged = [v for v in versions if v.metadata and v.metadata.docker]
    assert tagged, "docker versions carry docker metadata"
    for version in tagged:
        assert version.metadata is not None and version.metadata.docker is not None
        docker = version.metadata.docker
        assert (docker.tags or docker.tag) is not None


def test_to_dict_is_the_json_github_sent(emulator: Emulator, client: Client) -> None:
    package = client.org("octo-org").get_package("npm", "hello-world-npm")
    sent = raw_json(emulator, "/orgs/octo-org/packages/npm/hello-world-npm")
    assert package.to_dict() == sent
    version = client.org("octo-org").get_package_version("container", "octo-app", 100001)
    sent_version = raw_json(
        emulator, "/orgs/octo-org/packages/container/octo-app/versions/100001"
    )
    assert version.to_dict() == sent_version
    assert package.owner is not None
    assert package.owner.to_dict() == sent["owner"]  # type: ignore[index]
    assert package.repository is not None
    assert package.repository.to_dict() == sent["repository"]  # type: ignore[index]
    assert version.metadata is not None
    assert version.metadata.to_dict() == sent_version["metadata"]  # type: ignore[index]


def test_equality(client: Client) -> None:
    org = client.org("octo-org")
    first = org.get_package("npm", "octo-config")
    again = org.get_package("npm", "octo-config")
    other = org.get_package("npm", "hello-world-npm")
    assert first == again
    assert first != other
    assert first != "octo-config"
    assert first is not again
    with pytest.raises(TypeError):
        hash(first)


def test_reprs(client: Client) -> None:
    org = client.org("octo-org")
    package = org.get_package("container", "octo-app")
    assert repr(package) == (
        "Package(id=1001, name='octo-app', package_type='container', "
        "visibility='private', version_count=8)"
    )
    version = org.get_package_version("container", "octo-app", 100001)
    assert repr(version).startswith("PackageVersion(id=100001, name='sha256:")
    assert "tags=['1.0.0']" in repr(version.metadata)
    assert repr(package.owner) == "SimpleUser(login='octo-org', id=6811672, type='Organization')"
    assert "full_name='octo-org/octo-app'" in repr(package.repository)
    assert repr(org) == "Owner(org='octo-org')"
    assert repr(client.user("octocat")) == "Owner(user='octocat')"
    assert repr(client.me()) == "Owner(me)"


def test_models_are_read_only(client: Client) -> None:
    package = client.org("octo-org").get_package("npm", "octo-config")
    with pytest.raises(AttributeError):
        package.name = "renamed"  # type: ignore[misc]


def test_enums() -> None:
    assert [t.value for t in PackageType] == [
        "npm",
        "maven",
        "rubygems",
        "docker",
        "nuget",
        "container",
    ]
    assert [v.value for v in Visibility] == ["public", "private", "internal"]
    assert [s.value for s in VersionState] == ["active", "deleted"]
    assert PackageType("container") is PackageType.CONTAINER
    assert PackageType.CONTAINER == "container"
    assert str(PackageType.CONTAINER) == "container"
    assert f"{Visibility.PUBLIC}" == "public"
    assert isinstance(VersionState.DELETED, str)
    assert PackageType.__module__ == "ghpackages"
