"""A tour of every public name of ghpackages; type-checked with `mypy --strict`
and run against the emulator by the tests.

Reads GITHUB_API_URL (default https://api.github.com) and GITHUB_TOKEN.
It deletes and restores one version of `octocat/hello_docker` (the
emulator's demo data), so point it at an emulator, not at GitHub.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Optional, Union

import ghpackages
from ghpackages import (
    AsyncClient,
    AsyncOwner,
    AuthenticationError,
    CleanupDecision,
    CleanupPlan,
    Client,
    ConflictError,
    ContainerMetadata,
    DecodeError,
    DockerMetadata,
    GitHubPackagesError,
    InvalidInputError,
    Links,
    MinimalRepository,
    NotFoundError,
    Owner,
    Package,
    PackageType,
    PackageVersion,
    PackageVersionMetadata,
    Page,
    PermissionDeniedError,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    ServerError,
    SimpleUser,
    TimeoutError,
    TransportError,
    ValidationError,
    VersionState,
    Visibility,
    plan_cleanup,
)

BASE_URL = os.environ.get("GITHUB_API_URL", "https://api.github.com")


def describe_tags(metadata: Optional[PackageVersionMetadata]) -> list[str]:
    if metadata is None:
        return []
    container: Optional[ContainerMetadata] = metadata.container
    docker: Optional[DockerMetadata] = metadata.docker
    if container is not None:
        return container.tags
    if docker is not None:
        return docker.tags or docker.tag or []
    return []


def describe_package(package: Package) -> str:
    owner: Optional[SimpleUser] = package.owner
    repository: Optional[MinimalRepository] = package.repository
    kind: PackageType = package.package_type
    visibility: Visibility = package.visibility
    return (
        f"{owner.login if owner else '?'}/{package.name} [{kind.value}, {visibility.value}]"
        f" {package.version_count} versions, repo {repository.full_name if repository else '-'}"
        f", created {package.created_at:%Y-%m-%d}, keys {len(package.to_dict())}"
    )


def show_rate_limit(limit: Optional[RateLimit]) -> str:
    if limit is None:
        return "no rate limit reported"
    return f"{limit.remaining}/{limit.limit} left (used {limit.used}), resets {limit.reset:%H:%M}"


def handle(error: GitHubPackagesError) -> str:
    kinds: tuple[type[GitHubPackagesError], ...] = (
        NotFoundError,
        AuthenticationError,
        PermissionDeniedError,
        ValidationError,
        ConflictError,
        ServerError,
        TransportError,
        TimeoutError,
        DecodeError,
    )
    if isinstance(error, RateLimitError):
        return f"rate limited until {error.reset_at}, retry after {error.retry_after}"
    if isinstance(error, InvalidInputError):
        return f"bad argument {error.argument}: {error.message}"
    for kind in kinds:
        if isinstance(error, kind):
            return f"{kind.__name__} ({error.code}, {error.status}): {error.message} {error.request_id}"
    return f"{error.code}: {error.documentation_url}"


def sync_tour(client: Client) -> None:
    me: Owner = client.me()
    page: Page[Package] = me.list_packages(PackageType.CONTAINER, per_page=10)
    links: Links = page.links
    print("first page:", len(page), "next:", links.next, links.prev, links.first, links.last)
    for package in me.stream_packages("container"):
        print(describe_package(package))
    org: Owner = client.org("octo-org")
    public = org.list_all_packages("npm", visibility=Visibility.PUBLIC, per_page=100, page=1)
    print("public npm packages of octo-org:", [p.name for p in public])

    versions: Page[PackageVersion] = me.list_package_versions(
        "container", "hello_docker", state=VersionState.ACTIVE, per_page=100
    )
    for version in versions.items:
        print(version.id, version.name, describe_tags(version.metadata), version.deleted_at)
    untagged = [v for v in me.stream_package_versions("container", "hello_docker") if not describe_tags(v.metadata)]
    for version in untagged:
        me.delete_package_version("container", "hello_docker", version.id)
        deleted = me.list_all_package_versions("container", "hello_docker", state="deleted")
        print("deleted:", [v.id for v in deleted])
        me.restore_package_version("container", "hello_docker", version.id)
        print("restored:", me.get_package_version("container", "hello_docker", version.id).name)

    me.delete_package("npm", "octo-scratch")
    me.restore_package("npm", "octo-scratch", token=None)
    print("conflicts:", [p.name for p in client.user("octocat").list_docker_migration_conflicts()])
    print(show_rate_limit(client.rate_limit), client.token_scopes, client.base_url, client.has_token)

    for attempt in (
        lambda: me.get_package("npm", "no-such-package"),
        lambda: me.list_packages("npm", per_page=0),
    ):
        try:
            attempt()
        except GitHubPackagesError as error:
            print(handle(error))


def cleanup_tour(client: Client) -> None:
    me = client.me()
    versions = me.list_all_package_versions("container", "hello_docker")
    plan: CleanupPlan = plan_cleanup(versions, {"tags": "untagged", "keep_latest": 1})
    for decision in plan.decisions:
        d: CleanupDecision = decision
        print(d.version_id, d.name[:19], d.tags, d.created_at.date(), d.action, d.rule, d.reason)
    print("plan:", plan.delete_count, [d.version_id for d in plan.deletions], len(plan.kept), plan.now, plan.policy)
    with tempfile.TemporaryDirectory() as directory:
        journal = Path(directory) / "prune.jsonl"
        report = me.execute_cleanup("container", "hello_docker", plan, journal=journal, concurrency=2)
        print("pruned:", report.deleted, "failed:", report.failed)
        undone = client.undo_cleanup(journal)
        print("undone:", undone.restored, len(plan.to_dict()["decisions"]))


async def async_tour(client: AsyncClient) -> None:
    me: AsyncOwner = client.me()
    page: Page[Package] = await me.list_packages("npm")
    everything: list[Package] = await me.list_all_packages("npm")
    print("async:", len(page), len(everything))
    names = [p.name async for p in me.stream_packages(PackageType.NPM)]
    first: Package = await me.get_package("npm", names[0])
    versions: list[PackageVersion] = await me.list_all_package_versions("npm", first.name)
    versions_page: Page[PackageVersion] = await me.list_package_versions("npm", first.name)
    async for version in me.stream_package_versions("npm", first.name, per_page=1):
        print("async version:", version.name)
    one: PackageVersion = await me.get_package_version("npm", first.name, versions[0].id)
    print(one.name, len(versions_page))
    await me.delete_package("npm", "octo-scratch")
    await me.restore_package("npm", "octo-scratch")
    await me.delete_package_version("npm", "octo-scratch", one.id)
    await me.restore_package_version("npm", "octo-scratch", one.id)
    conflicts: list[Package] = await client.org("octo-org").list_docker_migration_conflicts()
    print("async conflicts:", [p.name for p in conflicts])
    print(show_rate_limit(client.rate_limit), client.token_scopes, client.base_url, client.has_token)
    print(client.user("mona"))
    versions_to_prune = await me.list_all_package_versions("container", "hello_docker")
    plan = plan_cleanup(versions_to_prune, '{"tags": "untagged"}')
    with tempfile.TemporaryDirectory() as directory:
        journal = os.path.join(directory, "prune.jsonl")
        report = await me.execute_cleanup("container", "hello_docker", plan, journal=journal)
        undone = await client.undo_cleanup(journal, concurrency=1)
        print("async prune:", report.deleted, "undone:", undone.restored)


def main() -> None:
    print("ghpackages", ghpackages.__version__)
    retry: RetryPolicy = RetryPolicy(3, initial_backoff=0.1, max_backoff=1, max_total_wait=5)
    print(retry, retry.max_attempts, retry.initial_backoff, retry.max_backoff, retry.max_total_wait)
    timeout: Union[float, timedelta] = timedelta(seconds=30)
    client = Client(
        base_url=BASE_URL,
        connect_timeout=5,
        timeout=timeout,
        retry=retry,
        page_concurrency=4,
        user_agent="ghpackages-tour",
        api_version="2022-11-28",
        allow_insecure_http=False,
    )
    sync_tour(client)
    cleanup_tour(client)
    asyncio.run(async_tour(AsyncClient(base_url=BASE_URL, retry=RetryPolicy.none())))


if __name__ == "__main__":
    main()
