"""Starting the emulator from a script: the one helper scripts share.

`Emulator.start()` runs `target/debug/ghpackages-emulator` (or
$GHPACKAGES_EMULATOR) on a free loopback port with the demo data, reads the
URL it prints, and stops it on exit; `admin()` talks to its admin API and
`reset()` puts it back to how it started. Standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator
from contextlib import contextmanager

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "emulator-admin"


class Emulator:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self.initial_limits = self.admin("GET", "/limits")

    @classmethod
    @contextmanager
    def start(cls, *args: str) -> Iterator["Emulator"]:
        binary = os.environ.get("GHPACKAGES_EMULATOR", str(ROOT / "target/debug/ghpackages-emulator"))
        process = subprocess.Popen(
            [binary, "--port", "0", "--demo", *args], stdout=subprocess.PIPE, text=True
        )
        try:
            assert process.stdout
            url = process.stdout.readline().strip()
            if not url.startswith("http://"):
                raise RuntimeError(f"the emulator printed {url!r} instead of its URL")
            yield cls(process, url)
        finally:
            process.terminate()
            process.wait(timeout=30)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_emulator{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"admin {method} {path}: {error.code} {error.read().decode()}") from None
        return json.loads(text) if text else None

    def reset(self) -> None:
        """The demo data again, no faults, the limits it started with."""
        self.admin("POST", "/reset?fixture=demo")
        self.admin("DELETE", "/faults")
        self.admin("PUT", "/limits", self.initial_limits)
