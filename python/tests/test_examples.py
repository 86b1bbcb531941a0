"""The example scripts run against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import TOKEN, Emulator

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_tour(emulator: Emulator) -> None:
    env = dict(os.environ, GITHUB_API_URL=emulator.url, GITHUB_TOKEN=TOKEN)
    env.pop("GH_TOKEN", None)
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "tour.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "deleted: [100031]" in result.stdout
    assert "NotFoundError (not_found, 404)" in result.stdout
    assert "bad argument per_page" in result.stdout
    assert "async conflicts: ['legacy-app']" in result.stdout
    assert "pruned: 1 failed: 0" in result.stdout
    assert "undone: 1" in result.stdout
    assert "async prune: 1 undone: 1" in result.stdout
