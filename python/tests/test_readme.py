"""Every Python example of python/README.md runs, in order, against the
emulator: the blocks are joined into one script (later examples use names
the quick start defines), and the client classes default their `base_url` to
the emulator, as `GITHUB_API_URL` makes the quick start do."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, TOKEN, Emulator

README = Path(__file__).resolve().parents[1] / "README.md"

PRELUDE = '''
import os

import ghpackages


def _on_the_emulator(cls):
    def make(*args, **kwargs):
        kwargs.setdefault("base_url", os.environ["GITHUB_API_URL"])
        return cls(*args, **kwargs)

    return make


ghpackages.Client = _on_the_emulator(ghpackages.Client)
ghpackages.AsyncClient = _on_the_emulator(ghpackages.AsyncClient)
'''


def examples() -> list[str]:
    """The README's python blocks, except the files it includes (`<!-- include:
    PATH -->`), which run as what they are: tests/readme_includes.py checks
    them against PATH, and pytest runs them there."""
    text = re.sub(r"^<!-- include: .*? -->\n```.*?^```$", "", README.read_text(), flags=re.S | re.M)
    return re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)


def test_every_readme_example_runs(emulator: Emulator, tmp_path: Path) -> None:
    blocks = examples()
    assert len(blocks) >= 6, "the README's examples were not found"
    script = tmp_path / "readme.py"
    script.write_text(PRELUDE + "\n".join(blocks))
    # The GitHub App example's credentials: the emulator's test-only app.
    app_key = REPO / "crates" / "ghpackages-emulator" / "fixtures" / "test-app" / "private-key.pem"
    env = dict(
        os.environ,
        GITHUB_API_URL=emulator.url,
        GITHUB_TOKEN=TOKEN,
        APP_ID="1001",
        APP_PRIVATE_KEY=app_key.read_text(),
    )
    env.pop("GH_TOKEN", None)
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "not found: 404" in out
    assert "octo-app private" in out
    assert "app sees octo-app" in out
    assert (tmp_path / "prune.jsonl").exists()
    assert (tmp_path / "containers.jsonl").exists()
    assert (tmp_path / "org.jsonl").exists()
