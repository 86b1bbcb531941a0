"""Deletes the untagged versions of a container package that are older than
30 days: `python cleanup_untagged.py ORG PACKAGE` (token from GITHUB_TOKEN)."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

import ghpackages


def delete_untagged(
    client: ghpackages.Client,
    org: str,
    package: str,
    *,
    older_than: timedelta = timedelta(days=30),
    now: Optional[datetime] = None,
) -> list[int]:
    """Deletes them and returns their ids."""
    cutoff = (now or datetime.now(timezone.utc)) - older_than
    owner = client.org(org)
    deleted = []
    # The whole list first: deleting while paging would shift the pages.
    for version in owner.list_all_package_versions("container", package):
        container = version.metadata.container if version.metadata else None
        if container and not container.tags and version.created_at < cutoff:
            owner.delete_package_version("container", package, version.id)
            deleted.append(version.id)
    return deleted


if __name__ == "__main__":
    for version_id in delete_untagged(ghpackages.Client(), sys.argv[1], sys.argv[2]):
        print("deleted", version_id)
