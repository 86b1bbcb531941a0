"""Conformance runner for Python: reads one request per line (JSON) on stdin,
makes the call through the `ghpackages` package, and writes the outcome in
the suite's normalized shape on stdout (see run.py)."""

from __future__ import annotations

import json
import sys
from typing import Any

import ghpackages
from ghpackages import Client, GitHubPackagesError, RetryPolicy


def client(request: dict[str, Any]) -> Client:
    settings = request["client"]
    retry = settings.get("retry", {})
    timeout_ms = settings.get("timeout_ms")
    return Client(
        request["token"],
        base_url=request["base_url"],
        token_from_env=False,
        retry=RetryPolicy(retry["max_attempts"]) if "max_attempts" in retry else None,
        timeout=timeout_ms / 1000 if timeout_ms else None,
    )


def owner(client: Client, spec: dict[str, Any]) -> ghpackages.Owner:
    if "org" in spec:
        return client.org(spec["org"])
    if "user" in spec:
        return client.user(spec["user"])
    return client.me()


def ids(items: Any) -> dict[str, Any]:
    return {"ids": [item.id for item in items]}


def page(result: Any) -> dict[str, Any]:
    links = result.links
    return {
        "ids": [item.id for item in result.items],
        "links": {"next": links.next, "prev": links.prev, "first": links.first, "last": links.last},
    }


def call(request: dict[str, Any]) -> Any:
    spec = request["call"]
    handle = owner(client(request), spec["owner"])
    op, args, options = spec["op"], spec.get("args", {}), spec.get("options", {})
    kind, name = args.get("package_type"), args.get("package_name")
    if op == "list_packages":
        return page(handle.list_packages(kind, **options))
    if op == "list_all_packages":
        return ids(handle.list_all_packages(kind, **options))
    if op == "stream_packages":
        return ids(handle.stream_packages(kind, **options))
    if op == "get_package":
        found = handle.get_package(kind, name)
        return {"id": found.id, "name": found.name}
    if op == "delete_package":
        return handle.delete_package(kind, name)
    if op == "restore_package":
        return handle.restore_package(kind, name, token=args.get("token"))
    if op == "list_package_versions":
        return page(handle.list_package_versions(kind, name, **options))
    if op == "list_all_package_versions":
        return ids(handle.list_all_package_versions(kind, name, **options))
    if op == "stream_package_versions":
        return ids(handle.stream_package_versions(kind, name, **options))
    if op == "get_package_version":
        version = handle.get_package_version(kind, name, args["version_id"])
        return {"id": version.id, "name": version.name}
    if op == "delete_package_version":
        return handle.delete_package_version(kind, name, args["version_id"])
    if op == "restore_package_version":
        return handle.restore_package_version(kind, name, args["version_id"])
    if op == "list_docker_migration_conflicts":
        return ids(handle.list_docker_migration_conflicts())
    if op == "plan_cleanup":
        plan = handle.plan_package_cleanup(kind, name, args["policy"], **options)
        return {"delete": [decision.version_id for decision in plan.deletions]}
    raise KeyError(f"unknown operation {op}")


def answer(request: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": call(request)}
    except GitHubPackagesError as error:
        return {
            "error": {
                "kind": error.code,
                "status": error.status,
                "argument": getattr(error, "argument", None),
                "github_message": error.github_message,
            }
        }


def main() -> None:
    for line in sys.stdin:
        print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
