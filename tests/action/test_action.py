"""The repository's action.yml, run step by step as GitHub's runner runs a
composite action (runner.py), against the demo emulator over loopback.

The prune tests use the debug `ghpkg` (on PATH, so the install step takes the
`path` branch); the install tests take the other branches with no network: a
release served from a loopback HTTP server, and a stand-in `cargo` on PATH.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
import sys
import tarfile
import threading
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from runner import ActionError, RunResult, run_action

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts/lib"))
from emulator import Emulator  # noqa: E402

GHPKG = Path(os.environ.get("GHPKG", ROOT / "target/debug/ghpkg"))
# What `github.token` is in a workflow of octo-org/octo-app with
# `permissions: packages: write`: the GitHub Actions app's installation token
# for that repository (the demo fixture's), which reaches the packages linked
# to the repository and public ones.
TOKEN = "ghs_DemoActionsOctoAppWrite0000000000000"
# An organization admin's classic token: to look at the emulator's data, and
# for the tests about packages the repository's token cannot reach.
ADMIN_TOKEN = "ghp_demo_octocat"
VERSION = re.search(
    r'^\[workspace\.package\][^\[]*?^version = "([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M | re.S
).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator.start() as emulator:
        yield emulator


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Emulator]:
    emulator.reset()
    yield emulator


def system_path() -> str:
    """PATH without any ghpkg of its own, so each test decides which one is found."""
    return os.pathsep.join(
        d for d in os.environ["PATH"].split(os.pathsep) if d and not (Path(d) / "ghpkg").exists()
    )


def wrapper(path: Path) -> Path:
    """A `ghpkg` that is the debug build: what a release or cargo would install."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{GHPKG}" "$@"\n')
    path.chmod(0o755)
    return path


def run(
    tmp_path: Path,
    api: Emulator | None,
    with_: dict[str, str],
    *,
    github: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    action_dir: Path = ROOT,
    ghpkg_on_path: bool = True,
    runner: dict[str, str] | None = None,
) -> RunResult:
    temp = tmp_path / "runner-temp"
    workspace = tmp_path / "workspace"
    temp.mkdir(exist_ok=True)
    workspace.mkdir(exist_ok=True)
    path = system_path()
    if ghpkg_on_path:
        bin_dir = tmp_path / "preinstalled"
        wrapper(bin_dir / "ghpkg")
        path = f"{bin_dir}{os.pathsep}{path}"
    context = {
        "token": TOKEN,
        "api_url": api.url if api else "http://127.0.0.1:9",
        "server_url": "http://127.0.0.1:9",
        "repository_owner": "octo-org",
        "repository": "octo-org/octo-app",
        "run_id": "4242",
        "workspace": str(workspace),
        "action_ref": f"v{VERSION}",
        "action_repository": "octo/ghpackages",
        **(github or {}),
    }
    job_env = {"PATH": path, "HOME": str(tmp_path), "GITHUB_TOKEN": TOKEN, **(env or {})}
    return run_action(action_dir, with_, context, job_env, temp, runner)


def versions(api: Emulator, package: str = "octo-app", package_type: str = "container") -> set[int]:
    ids: set[int] = set()
    for page in range(1, 100):
        request = urllib.request.Request(
            f"{api.url}/orgs/octo-org/packages/{package_type}/{package}/versions?per_page=100&page={page}",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            batch = {v["id"] for v in json.load(response)}
        if not batch:
            return ids
        ids |= batch
    raise AssertionError("more pages than expected")


def version_objects(api: Emulator, package: str = "octo-app") -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"{api.url}/orgs/octo-org/packages/container/{package}/versions?per_page=100",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(json.load(response))


def plan(api: Emulator, *policy: str) -> tuple[set[int], set[int]]:
    """(kept, deleted) ids of the plan `ghpkg prune` makes, asked directly."""
    import subprocess

    out = subprocess.run(
        [str(GHPKG), "--org", "octo-org", "--json", "prune", "-t", "container", "octo-app", *policy],
        env={"PATH": system_path(), "GITHUB_TOKEN": ADMIN_TOKEN, "GITHUB_API_URL": api.url},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    decisions = json.loads(out)["plan"]["decisions"]
    return (
        {d["version_id"] for d in decisions if d["action"] == "keep"},
        {d["version_id"] for d in decisions if d["action"] == "delete"},
    )


POLICY = {"package": "octo-app", "untagged": "true", "keep-latest": "2"}


def test_a_dry_run_is_the_default_and_deletes_nothing(tmp_path: Path, api: Emulator) -> None:
    before = versions(api)
    kept, planned = plan(api, "--untagged", "--keep-latest", "2")
    assert len(planned) == 3 and len(before) == 8

    result = run(tmp_path, api, POLICY)

    assert not result.failed, result.log
    assert result.step("install").outputs == {"source": "path"}
    assert result.path_added == []
    assert result.outputs == {
        "deleted-count": "0",
        "kept-count": "5",
        "skipped-count": "0",
        "planned-count": "3",
        "left-count": "0",
        "journal": "",
        "plan": "",
    }
    assert versions(api) == before
    summary = result.summary
    assert summary.startswith("## ghpkg prune: container packages of octo-org\n"), summary
    assert "**Dry run: nothing was deleted.** 3 versions would be deleted and 5 kept" in summary
    assert "| octo-app | 5 | 3 | 0 | 0 |" in summary
    for version_id in planned:
        assert f"| delete | {version_id} | " in summary
    for version_id in kept:
        assert f"| keep | {version_id} | " in summary
    # The log shows the command (never the token) and the summary.
    prune = result.step("prune")
    assert "ghpkg --json -v --org octo-org --api-url" in prune.stdout
    assert "--package octo-app" in prune.stdout
    assert "--untagged --keep-latest 2" not in prune.stdout  # flags come in the action's order
    assert "--keep-latest 2" in prune.stdout and "--untagged" in prune.stdout
    assert "--yes" not in prune.stdout
    assert TOKEN not in result.log


def test_dry_run_false_deletes_what_the_plan_says_and_the_journal_undoes_it(
    tmp_path: Path, api: Emulator
) -> None:
    before = versions(api)
    kept, planned = plan(api, "--untagged", "--keep-latest", "2")

    result = run(tmp_path, api, {**POLICY, "dry-run": "false"})

    assert not result.failed, result.log
    assert versions(api) == kept == before - planned
    outputs = result.outputs
    assert (outputs["deleted-count"], outputs["kept-count"], outputs["skipped-count"]) == ("3", "5", "0")
    journal = Path(outputs["journal"])
    assert journal.parent == tmp_path / "runner-temp" and journal.name.startswith("ghpkg-prune-")
    assert {json.loads(line)["version_id"] for line in journal.read_text().splitlines()} >= planned
    assert "Deleted 3 versions, kept 5, skipped 0, in 1 packages." in result.summary
    for version_id in planned:
        assert f"| deleted | {version_id} | " in result.summary

    # What the docs show: the journal, kept as an artifact, undoes the run.
    import subprocess

    undo = subprocess.run(
        [str(GHPKG), "--json", "undo", str(journal)],
        env={"PATH": system_path(), "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": api.url},
        capture_output=True,
        text=True,
    )
    assert undo.returncode == 0, undo.stderr
    assert json.loads(undo.stdout)["restored"] == 3
    assert versions(api) == before


def test_inputs_reach_ghpkg(tmp_path: Path, api: Emulator) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{"keep_latest": 1}')
    journal = tmp_path / "workspace" / "my-journal.jsonl"
    result = run(
        tmp_path,
        api,
        {
            "package": "octo-app",
            "owner": "octo-org",
            "policy": str(policy),
            # Overrides the file's keep_latest, as the flag does.
            "keep-latest": "6",
            "exclude": "  \nlatest\n\n  v1.*  \n",
            "dry-run": "false",
            "journal": str(journal),
            "summary": "false",
            "concurrency": "2",
        },
    )
    assert not result.failed, result.log
    command = result.step("prune").stdout
    assert f"--policy {policy} --keep-latest 6 --concurrency 2 --exclude latest --exclude v1.*" in command
    assert result.outputs["journal"] == str(journal) and journal.exists()
    assert result.summary == ""  # summary: false
    assert "## ghpkg prune" in result.step("prune").stdout  # still in the log
    assert int(result.outputs["kept-count"]) >= 6


def test_the_token_input_wins_over_the_jobs_environment(tmp_path: Path, api: Emulator) -> None:
    # A job-wide GITHUB_TOKEN that is not the input's: the input is used.
    result = run(tmp_path, api, POLICY, env={"GITHUB_TOKEN": "ghp_not_this_one"})
    assert not result.failed, result.log
    assert result.outputs["planned-count"] == "3"

    # A token GitHub refuses: the step fails with ghpkg's authentication exit
    # code, and no output or summary is invented.
    result = run(tmp_path, api, {**POLICY, "token": "ghp_revoked"})
    assert result.failed
    prune = result.step("prune")
    assert prune.exit_code == 3, result.log
    assert "ghp_revoked" not in result.log
    assert result.outputs["deleted-count"] == "" and result.summary == ""


def test_a_failed_deletion_fails_the_step_after_the_outputs_are_set(
    tmp_path: Path, api: Emulator
) -> None:
    # GitHub refuses to delete 1.0.2 of hello-world-npm (12,873 downloads),
    # which the REST API does not report, so the plan cannot know.
    result = run(
        tmp_path,
        api,
        # hello-world-npm belongs to another repository: an admin's token.
        {"package": "hello-world-npm", "package-type": "npm", "keep-latest": "1", "dry-run": "false",
         "token": ADMIN_TOKEN},
    )
    assert result.failed
    assert result.step("prune").exit_code == 1, result.log
    outputs = result.outputs
    assert (outputs["deleted-count"], outputs["skipped-count"], outputs["kept-count"]) == ("3", "1", "1")
    assert Path(outputs["journal"]).exists()
    assert "kept 1, deleted 3, skipped 1 (already gone 0, failed 1)" in result.summary
    assert "| failed | 100014 | `1.0.2` |" in result.summary


def test_a_run_stopped_at_its_budget_succeeds_and_the_next_run_continues(
    tmp_path: Path, api: Emulator
) -> None:
    before = versions(api)
    kept, planned = plan(api, "--untagged", "--keep-latest", "2")
    # Planning takes three requests (the package list, the versions, the
    # package): a budget of four deletes one version, then stops.
    # (With a classic token: with an installation token, ghpkg spends
    # requests differently before its first deletion.)
    budget = {**POLICY, "dry-run": "false", "max-requests": "4", "secondary-limit": "0", "token": ADMIN_TOKEN}

    first = run(tmp_path, api, budget)
    assert not first.failed, first.log
    prune = first.step("prune")
    assert "--max-requests 4" in prune.stdout and "--secondary-limit 0" in prune.stdout
    deleted, left = int(first.outputs["deleted-count"]), int(first.outputs["left-count"])
    assert deleted > 0 and left > 0 and deleted + left == len(planned), first.outputs
    assert f"::warning::stopped at the request budget with {left} deletions left" in prune.stdout
    assert "**Stopped at the request budget" in first.summary
    assert len(versions(api)) == len(before) - deleted

    second = run(tmp_path, api, {**budget, "max-requests": "10"})
    assert not second.failed, second.log
    assert second.outputs["left-count"] == "0"
    assert versions(api) == kept

    # A dry run plans only: the budget inputs are not passed.
    third = run(tmp_path, api, {**POLICY, "max-requests": "1", "wait-for-reset": "true"})
    assert not third.failed, third.log
    assert "--max-requests" not in third.step("prune").stdout
    assert "--wait-for-reset" not in third.step("prune").stdout


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"untagged": "yes"}, "input untagged must be true or false, not 'yes'"),
        ({"dry-run": "no"}, "input dry-run must be true or false, not 'no'"),
        ({"owner-type": "team"}, "input owner-type must be org or user, not 'team'"),
        ({"keep-latest": "-1"}, "keep-latest"),
        ({"older-than": "soon"}, "soon"),
        ({"max-requests": "0"}, "a budget of 0 requests cannot delete anything"),
        ({"wait-for-reset": "maybe"}, "input wait-for-reset must be true or false, not 'maybe'"),
        ({"check-each": "false"}, "input check-each is for apply-plan"),
        ({"check-each": "maybe"}, "input check-each must be true or false, not 'maybe'"),
    ],
)
def test_bad_inputs_fail_before_anything_is_deleted(
    tmp_path: Path, api: Emulator, inputs: dict[str, str], message: str
) -> None:
    before = versions(api)
    result = run(tmp_path, api, {**POLICY, "dry-run": "false", **inputs})
    assert result.failed
    prune = result.step("prune")
    assert prune.exit_code == 2, result.log
    assert message in prune.stdout + prune.stderr, result.log
    assert versions(api) == before


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({}, "input package (names or globs) or all-packages: true is required"),
        ({"package": " \n "}, "input package (names or globs) or all-packages: true is required"),
        ({"package": "octo-app", "all-packages": "true"}, "give input package or all-packages, not both"),
        ({"package": "octo-app", "app-private-key": "x"}, "need app-id"),
        ({"package": "octo-app", "app-id": "1001"}, "input app-private-key is required with app-id"),
    ],
)
def test_what_to_prune_and_how_to_authenticate_must_be_clear(
    tmp_path: Path, api: Emulator, inputs: dict[str, str], message: str
) -> None:
    result = run(tmp_path, api, inputs)
    assert result.failed
    prune = result.step("prune")
    assert prune.exit_code == 2 and message in prune.stdout, result.log


def test_every_package_of_the_owner_in_one_run(tmp_path: Path, api: Emulator) -> None:
    import subprocess

    direct = subprocess.run(
        [str(GHPKG), "--org", "octo-org", "--json", "prune", "-t", "container", "--all-packages",
         "--untagged", "--keep-latest", "2"],
        env={"PATH": system_path(), "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": api.url},
        capture_output=True, text=True, check=True,
    )
    expected = json.loads(direct.stdout)
    names = [p["package"] for p in expected["plan"]["packages"]]
    assert len(names) >= 3

    result = run(tmp_path, api, {"all-packages": "true", "untagged": "true", "keep-latest": "2"})
    assert not result.failed, result.log
    assert "--all-packages" in result.step("prune").stdout
    counts = expected["counts"]
    assert result.outputs["planned-count"] == str(counts["planned"])
    assert result.outputs["kept-count"] == str(counts["kept"])
    for name in names:
        assert f"\n| {name} | " in result.summary
    assert f"in {len(names)} packages." in result.summary and "| **total** |" in result.summary


def test_globs_prune_several_packages_into_one_journal(tmp_path: Path, api: Emulator) -> None:
    before = {name: versions(api, name) for name in ("octo-app", "octo-web")}
    result = run(
        tmp_path,
        api,
        {"package": "octo-app\n  octo-w*\n", "untagged": "true", "keep-latest": "2", "dry-run": "false"},
    )
    assert not result.failed, result.log
    assert "--package octo-app --package octo-w*" in result.step("prune").stdout
    after = {name: versions(api, name) for name in before}
    gone = sum(len(before[n] - after[n]) for n in before)
    assert all(after[n] < before[n] for n in before), after
    assert result.outputs["deleted-count"] == str(gone)
    assert "in 2 packages." in result.summary

    import subprocess

    undo = subprocess.run(
        [str(GHPKG), "--json", "undo", result.outputs["journal"]],
        env={"PATH": system_path(), "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": api.url},
        capture_output=True, text=True,
    )
    assert undo.returncode == 0, undo.stderr
    assert {name: versions(api, name) for name in before} == before


APP_KEY = ROOT / "crates/ghpackages-emulator/fixtures/test-app/private-key.pem"


# An npm package: the emulator's registry shows an installation token public
# packages only, so a private container's manifest graph is unreadable with
# an App (see test_an_app_with_a_private_container_package).
APP_POLICY = {"package": "release-train", "package-type": "npm", "keep-latest": "245"}


def test_a_github_app_prunes_without_a_token(tmp_path: Path, api: Emulator) -> None:
    before = versions(api, "release-train", "npm")
    assert len(before) == 250
    pem = APP_KEY.read_text()
    result = run(
        tmp_path,
        api,
        # The token input and the job's GITHUB_TOKEN are both refused by the
        # server: only the App's installation token can work.
        {**APP_POLICY, "dry-run": "false", "app-id": "1001", "app-private-key": pem, "token": "ghp_revoked"},
        env={"GITHUB_TOKEN": "ghp_revoked_too"},
    )
    assert not result.failed, result.log
    after = versions(api, "release-train", "npm")
    assert after < before and len(after) == 245
    assert result.outputs["deleted-count"] == "5"
    prune = result.step("prune")
    assert "authenticating as GitHub App 1001" in prune.stderr
    # The key went to a file for ghpkg, and is gone after the step.
    assert "--app-private-key" in prune.stdout
    assert not list((tmp_path / "runner-temp").rglob("*.pem"))
    assert "PRIVATE KEY" not in result.log and "ghp_revoked" not in result.log


def env_dumping(path: Path, real: str, dump: Path) -> Path:
    """A stand-in for the program `real` that appends its environment to
    `dump`, then runs it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\n{{ env; echo ----; }} >>"{dump}"\nexec "{real}" "$@"\n')
    path.chmod(0o755)
    return path


def test_ghpkg_and_jq_get_neither_the_key_nor_the_token_with_an_app(tmp_path: Path, api: Emulator) -> None:
    pem = APP_KEY.read_text()
    key_line = pem.splitlines()[1]
    dump = tmp_path / "environments.txt"
    stand_ins = tmp_path / "stand-ins"
    env_dumping(stand_ins / "ghpkg", str(GHPKG), dump)
    env_dumping(stand_ins / "jq", shutil.which("jq") or "jq", dump)
    path = f"{stand_ins}{os.pathsep}{system_path()}"
    # With a token: the dump shows it, so the stand-ins do see the environment.
    result = run(tmp_path, api, APP_POLICY, env={"PATH": path}, ghpkg_on_path=False)
    assert not result.failed, result.log
    assert f"GITHUB_TOKEN={TOKEN}" in dump.read_text()
    dump.unlink()
    result = run(
        tmp_path,
        api,
        {**APP_POLICY, "app-id": "1001", "app-private-key": pem, "token": "ghp_input_token"},
        env={"PATH": path, "GITHUB_TOKEN": "ghp_job_token", "GH_TOKEN": "ghp_gh_token"},
        ghpkg_on_path=False,
    )
    assert not result.failed, result.log
    assert result.outputs["planned-count"] == "5"
    environments = dump.read_text()
    # ghpkg ran (--version in the install step, then the prune) and jq read its JSON.
    assert environments.count("----") >= 3 and "INPUT_APP_ID=1001" in environments
    for secret in ("PRIVATE KEY", key_line, "INPUT_APP_PRIVATE_KEY", "ghp_input_token"):
        assert secret not in environments, secret
    # The install step sees the job's environment, which is not the action's
    # to change: the prune step's programs (those with INPUT_* variables)
    # see no token at all.
    prune_environments = [e for e in environments.split("----") if "INPUT_OWNER=" in e]
    assert len(prune_environments) >= 2
    for secret in ("ghp_job_token", "ghp_gh_token", "GITHUB_TOKEN=", "GH_TOKEN="):
        assert not any(secret in e for e in prune_environments), secret


def test_path_outputs_cannot_inject_other_outputs(tmp_path: Path, api: Emulator) -> None:
    plan_out = tmp_path / "plan.json\ndeleted-count=999"
    result = run(tmp_path, api, {**POLICY, "plan-out": str(plan_out)})
    assert not result.failed, result.log
    assert result.outputs["plan"] == str(plan_out)
    assert result.outputs["deleted-count"] == "0"
    assert plan_out.exists()


def test_an_app_installation_can_be_named(tmp_path: Path, api: Emulator) -> None:
    pem = APP_KEY.read_text()
    # 4201 is the App's installation on octo-org.
    result = run(tmp_path, api, {**APP_POLICY, "app-id": "1001", "app-private-key": pem, "installation-id": "4201"})
    assert not result.failed, result.log
    assert "--installation-id 4201" in result.step("prune").stdout
    assert result.outputs["planned-count"] == "5"
    # An owner the App is not installed on.
    result = run(tmp_path, api, {**APP_POLICY, "app-id": "1001", "app-private-key": pem, "app-owner": "nobody-here"})
    assert result.failed and result.step("prune").exit_code == 4, result.log


# ---- the install step -------------------------------------------------------

class Releases:
    """A loopback stand-in for GitHub's release downloads:
    /OWNER/REPO/releases/download/TAG/FILE served from a directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        releases = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:
                releases.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, target: str, *, corrupt: bool = False) -> Path:
        """ghpkg-VERSION-TARGET.tar.gz and SHA256SUMS as the release workflow names them."""
        folder = self.root / "octo/ghpackages/releases/download" / f"v{VERSION}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"ghpkg-{VERSION}-{target}"
        stage = self.root.parent / "stage" / name
        wrapper(stage / "ghpkg")
        tarball = folder / f"{name}.tar.gz"
        with tarfile.open(tarball, "w:gz") as tar:
            tar.add(stage, arcname=name)
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if corrupt:
            digest = "0" * 64
        (folder / "SHA256SUMS").write_text(f"{digest}  {name}.tar.gz\n0000  other.tar.gz\n")
        return tarball

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def releases(tmp_path: Path) -> Iterator[Releases]:
    (tmp_path / "releases").mkdir()
    releases = Releases(tmp_path / "releases")
    yield releases
    releases.close()


@pytest.fixture
def fake_cargo(tmp_path: Path) -> Path:
    """A `cargo` that records its arguments and installs the wrapper where
    `cargo install --root DIR` puts binaries."""
    bin_dir = tmp_path / "cargo-bin"
    bin_dir.mkdir()
    log = tmp_path / "cargo-args"
    cargo = bin_dir / "cargo"
    cargo.write_text(
        "#!/bin/bash\nset -eu\n"
        f'printf "%s\\n" "$@" > "{log}"\n'
        'root=""; while (($#)); do [[ $1 == --root ]] && root=$2; shift; done\n'
        f'mkdir -p "$root/bin" && printf \'#!/bin/sh\\nexec "{GHPKG}" "$@"\\n\' > "$root/bin/ghpkg"\n'
        'chmod +x "$root/bin/ghpkg"\n'
    )
    cargo.chmod(0o755)
    return log


def install_run(
    tmp_path: Path,
    api: Emulator,
    releases: Releases,
    cargo: bool,
    github: dict[str, Any] | None = None,
    runner: dict[str, str] | None = None,
    action_dir: Path = ROOT,
) -> RunResult:
    path = system_path()
    if cargo:
        path = f"{tmp_path / 'cargo-bin'}{os.pathsep}{path}"
    else:
        path = os.pathsep.join(d for d in path.split(os.pathsep) if not (Path(d) / "cargo").exists())
    return run(
        tmp_path,
        api,
        POLICY,
        github={"server_url": releases.url, **(github or {})},
        env={"PATH": path},
        ghpkg_on_path=False,
        runner=runner,
        action_dir=action_dir,
    )


def test_a_release_tag_installs_the_release_tarball(
    tmp_path: Path, api: Emulator, releases: Releases, fake_cargo: Path
) -> None:
    releases.publish("x86_64-unknown-linux-gnu")
    result = install_run(tmp_path, api, releases, cargo=True)
    assert not result.failed, result.log
    assert result.step("install").outputs == {"source": "release"}
    folder = f"/octo/ghpackages/releases/download/v{VERSION}"
    assert releases.requests == [f"{folder}/ghpkg-{VERSION}-x86_64-unknown-linux-gnu.tar.gz", f"{folder}/SHA256SUMS"]
    installed = tmp_path / "runner-temp" / f"ghpkg-{VERSION}" / f"ghpkg-{VERSION}-x86_64-unknown-linux-gnu"
    assert result.path_added == [str(installed)]
    assert not fake_cargo.exists()
    # The prune step ran the ghpkg the install step put on PATH.
    assert result.outputs["planned-count"] == "3"


def test_each_runner_gets_its_own_target(
    tmp_path: Path, api: Emulator, releases: Releases, fake_cargo: Path
) -> None:
    releases.publish("aarch64-apple-darwin")
    result = install_run(tmp_path, api, releases, cargo=True, runner={"os": "macOS", "arch": "ARM64"})
    assert result.step("install").outputs == {"source": "release"}, result.log
    assert releases.requests[0].endswith(f"/ghpkg-{VERSION}-aarch64-apple-darwin.tar.gz")


def test_a_tarball_that_does_not_match_its_checksum_is_refused(
    tmp_path: Path, api: Emulator, releases: Releases, fake_cargo: Path
) -> None:
    releases.publish("x86_64-unknown-linux-gnu", corrupt=True)
    result = install_run(tmp_path, api, releases, cargo=True)
    assert result.failed
    install = result.step("install")
    assert install.exit_code == 1
    assert "does not match the release's SHA256SUMS" in install.stdout
    assert not result.step("prune").ran
    assert not fake_cargo.exists()


@pytest.mark.parametrize(
    ("github", "runner", "published"),
    [
        # A branch or a commit: the release would be another version's code.
        ({"action_ref": "main"}, None, True),
        ({"action_ref": "0123456789abcdef0123456789abcdef01234567"}, None, True),
        # The tag of a version whose release is not published (404).
        ({}, None, False),
        # A runner the release workflow builds nothing for.
        ({}, {"os": "Linux", "arch": "ARM"}, True),
    ],
)
def test_otherwise_cargo_installs_from_the_actions_checkout(
    tmp_path: Path,
    api: Emulator,
    releases: Releases,
    fake_cargo: Path,
    github: dict[str, Any],
    runner: dict[str, str] | None,
    published: bool,
) -> None:
    if published:
        releases.publish("x86_64-unknown-linux-gnu")
    result = install_run(tmp_path, api, releases, cargo=True, github=github, runner=runner)
    assert not result.failed, result.log
    assert result.step("install").outputs == {"source": "cargo"}
    root = tmp_path / "runner-temp" / f"ghpkg-{VERSION}"
    assert fake_cargo.read_text().split("\n")[:-1] == [
        "install", "--locked", "--path", str(ROOT / "crates/ghpackages-cli"), "--root", str(root),
    ]
    assert result.path_added == [str(root / "bin")]
    assert result.outputs["planned-count"] == "3"
    if not published:
        assert "no release tarball" in result.step("install").stdout


def test_without_cargo_the_install_step_says_what_to_do(
    tmp_path: Path, api: Emulator, releases: Releases
) -> None:
    result = install_run(tmp_path, api, releases, cargo=False, github={"action_ref": "main"})
    assert result.failed
    assert "cargo is not on PATH" in result.step("install").stdout


def test_the_ref_is_read_from_the_action_path_when_the_runner_leaves_it_empty(
    tmp_path: Path, api: Emulator, releases: Releases, fake_cargo: Path
) -> None:
    # The runner checks a `uses: octo/ghpackages@vX.Y.Z` action out to
    # _actions/octo/ghpackages/vX.Y.Z.
    checkout = tmp_path / "_actions/octo/ghpackages" / f"v{VERSION}"
    checkout.mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", checkout)
    shutil.copy(ROOT / "Cargo.toml", checkout)
    shutil.copytree(ROOT / "action", checkout / "action")
    releases.publish("x86_64-unknown-linux-gnu")
    result = install_run(
        tmp_path, api, releases, cargo=True,
        github={"action_ref": "", "action_repository": ""}, action_dir=checkout,
    )
    assert result.step("install").outputs == {"source": "release"}, result.log
    assert releases.requests[0].startswith(f"/octo/ghpackages/releases/download/v{VERSION}/")


# ---- the example workflows in docs/examples ------------------------------

from runner import condition, substitute  # noqa: E402


def example_run(
    tmp_path: Path, api: Emulator, name: str, github: dict[str, Any], inputs: dict[str, Any],
    extra: dict[str, str] | None = None, secrets: dict[str, str] | None = None,
) -> tuple[RunResult, dict[str, Any]]:
    """Runs the example's step that uses this action, with its `with:` as the
    workflow gives it, then evaluates the upload step after it."""
    import yaml

    workflow = yaml.safe_load((ROOT / "docs/examples" / name).read_text())
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    index = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("ghpackages/ghpackages@"))
    step = steps[index]
    ref = step["uses"].split("@", 1)[1]
    contexts: dict[str, Any] = {
        "github": {"repository_owner": "octo-org", "run_id": "4242", "token": TOKEN, **github},
        "inputs": inputs,
        "secrets": {"PACKAGES_ADMIN_TOKEN": ADMIN_TOKEN} if secrets is None else secrets,
        "vars": {},
        "env": {},
        "steps": {},
        "matrix": {},
    }
    status = {"failed": False}
    with_ = {k: substitute(str(v).lower() if isinstance(v, bool) else str(v), contexts, status)
             for k, v in step["with"].items()}
    result = run(tmp_path, api, {**with_, **(extra or {})}, github={"action_ref": ref, **github})
    contexts["steps"] = {step["id"]: {"outputs": result.outputs}}
    upload = steps[index + 1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    return result, {
        "runs": condition(upload.get("if"), contexts, {"failed": result.failed}),
        "path": substitute(upload["with"]["path"], contexts, status),
        "name": substitute(upload["with"]["name"], contexts, status),
    }


SITE_TOKEN = "ghs_DemoActionsOctoSite0000000000000000"


def test_the_pull_request_example_deletes_that_pull_requests_images(tmp_path: Path, api: Emulator) -> None:
    # A private image of octo-org/octo-site, linked to that repository as a
    # package its workflows publish is, and the GITHUB_TOKEN of a workflow
    # run there with the example's `permissions: packages: write`.
    api.admin("POST", "/fixture", {
        "repositories": [{"owner": "octo-org", "name": "octo-site", "private": True}],
        "actions_tokens": [
            {"token": SITE_TOKEN, "repository": "octo-org/octo-site", "permissions": {"packages": "write"}}
        ],
    })
    digest = lambda n: f"sha256:{n:064d}"  # noqa: E731
    api.admin("POST", "/packages", {
        "owner": "octo-org", "package_type": "container", "name": "octo-site", "repository": "octo-site",
        "versions": [
            {"name": digest(1), "tags": ["latest"]},
            {"name": digest(2), "tags": ["pr-7"]},
            {"name": digest(3), "tags": ["pr-7-debug"]},
            {"name": digest(4), "tags": ["pr-8"]},
            {"name": digest(5), "tags": ["pr-70"]},
        ],
    })
    before = versions(api, "octo-site")
    event = {"pull_request": {"number": 7}, "repository": {"name": "octo-site"}}
    result, upload = example_run(
        tmp_path, api, "pull-request-closed.yml",
        {"event_name": "pull_request", "event": event, "token": SITE_TOKEN, "repository": "octo-org/octo-site"}, {},
    )
    assert not result.failed, result.log
    assert SITE_TOKEN not in result.log
    assert result.outputs["deleted-count"] == "2"
    assert len(versions(api, "octo-site")) == len(before) - 2
    assert "| deleted | " in result.summary and "`pr-7`" in result.summary and "`pr-7-debug`" in result.summary
    assert upload["runs"] and Path(upload["path"]).exists()
    assert upload["name"] == "ghpkg-journal-pr-7"


def test_the_pull_request_example_cannot_reach_another_repositorys_image(tmp_path: Path, api: Emulator) -> None:
    # octo-web is private and linked to octo-app: octo-site's GITHUB_TOKEN
    # does not see it, and nothing of it is deleted.
    api.admin("POST", "/fixture", {
        "repositories": [{"owner": "octo-org", "name": "octo-site", "private": True}],
        "actions_tokens": [
            {"token": SITE_TOKEN, "repository": "octo-org/octo-site", "permissions": {"packages": "write"}}
        ],
    })
    before = versions(api, "octo-web")
    event = {"pull_request": {"number": 7}, "repository": {"name": "octo-web"}}
    result, _ = example_run(
        tmp_path, api, "pull-request-closed.yml",
        {"event_name": "pull_request", "event": event, "token": SITE_TOKEN, "repository": "octo-org/octo-site"}, {},
    )
    assert versions(api, "octo-web") == before
    assert result.failed and result.outputs["deleted-count"] == ""
    assert 'no container package of octo-org matches \\"octo-web\\"' in result.log, result.log


@pytest.mark.parametrize(("event_name", "dry_run"), [("schedule", False), ("workflow_dispatch", True)])
def test_the_nightly_example_prunes_every_package(
    tmp_path: Path, api: Emulator, event_name: str, dry_run: bool
) -> None:
    # GitHub's pacing of 180 deletions a minute would make this run take a
    # minute and a half: the emulator's limits and the pacing are turned off.
    api.admin("PUT", "/limits", {"enabled": False})
    inputs = {"dry-run": True} if event_name == "workflow_dispatch" else {}
    result, upload = example_run(
        tmp_path, api, "nightly-prune.yml", {"event_name": event_name}, inputs, {"secondary-limit": "0"}
    )
    assert not result.failed, result.log
    planned = int(result.outputs["planned-count"])
    assert planned > 100
    if dry_run:
        assert result.outputs["deleted-count"] == "0" and not upload["runs"]
        assert "Dry run: nothing was deleted" in result.summary
    else:
        assert result.outputs["deleted-count"] == str(planned)
        assert upload["runs"] and Path(upload["path"]).exists()
        assert upload["name"] == "ghpkg-journal-4242"


def test_the_nightly_example_with_only_github_token_prunes_the_repositorys_packages(
    tmp_path: Path, api: Emulator
) -> None:
    # No PACKAGES_ADMIN_TOKEN secret: the example falls back to GITHUB_TOKEN,
    # which sees the private images linked to octo-org/octo-app (graph-aware:
    # the registry serves it their manifests) and public base-image, which it
    # may not delete.
    api.admin("PUT", "/limits", {"enabled": False})
    # The policy (untagged, older than 14 days, beyond the 20 newest) finds
    # versions to delete in nightly-builds, a private image of octo-app.
    linked = ("nightly-builds", "octo-app", "octo-web")
    before = {name: versions(api, name) for name in linked}
    base = versions(api, "octo-org%2Fbase-image")
    result, _ = example_run(
        tmp_path, api, "nightly-prune.yml", {"event_name": "schedule", "token": TOKEN}, {},
        {"secondary-limit": "0"}, secrets={},
    )
    after = {name: versions(api, name) for name in linked}
    assert not result.failed, result.log
    assert after["nightly-builds"] < before["nightly-builds"], result.log
    deleted = sum(len(before[n] - after[n]) for n in linked)
    assert int(result.outputs["deleted-count"]) == deleted
    assert versions(api, "octo-org%2Fbase-image") == base
    assert "graph_unreadable" not in result.summary
    assert TOKEN not in result.log and ADMIN_TOKEN not in result.log


def test_an_app_with_a_private_container_package(tmp_path: Path, api: Emulator) -> None:
    pem = APP_KEY.read_text()
    app = {"app-id": "1001", "app-private-key": pem, "dry-run": "false"}
    before = versions(api)
    # The manifest graph cannot be read: nothing is deleted, and the step says so.
    result = run(tmp_path, api, {**POLICY, **app})
    assert result.failed and result.step("prune").exit_code == 1, result.log
    assert result.outputs["planned-count"] == "0"
    assert "graph_unreadable" in result.summary
    assert versions(api) == before
    # Planned from the versions alone, the prune goes through.
    result = run(tmp_path, api, {**POLICY, **app, "no-manifest-graph": "true"})
    assert not result.failed, result.log
    assert result.outputs["deleted-count"] == "3"
    assert len(versions(api)) == len(before) - 3


# ---- keeping what is in use, and plans saved for review --------------------

def test_images_in_use_are_kept(tmp_path: Path, api: Emulator) -> None:
    kept, planned = plan(api, "--untagged", "--keep-latest", "2")
    names = {v["id"]: v["name"] for v in version_objects(api)}
    in_use, by_flag = sorted(planned)[:2]
    host = api.url.removeprefix("http://")
    manifests = tmp_path / "workspace" / "deploy"
    manifests.mkdir(parents=True)
    (manifests / "app.yaml").write_text(f"spec:\n  image: {host}/octo-org/octo-app@{names[in_use]}\n")
    result = run(
        tmp_path,
        api,
        {**POLICY, "dry-run": "false", "keep-refs-from": "deploy\n", "keep-digest": names[by_flag], "keep-tag": "1.1.0"},
    )
    assert not result.failed, result.log
    command = result.step("prune").stdout
    assert f"--keep-refs-from deploy --keep-tag 1.1.0 --keep-digest {names[by_flag]}" in command
    assert result.outputs["deleted-count"] == str(len(planned) - 2)
    assert {in_use, by_flag} <= versions(api)
    assert f"| keep | {in_use} | " in result.summary and f"| keep | {by_flag} | " in result.summary


def test_a_saved_plan_deletes_nothing_and_names_its_file(tmp_path: Path, api: Emulator) -> None:
    before = versions(api)
    plan_file = tmp_path / "workspace" / "plan.json"
    result = run(tmp_path, api, {**POLICY, "plan-out": str(plan_file)})
    assert not result.failed, result.log
    assert result.outputs["plan"] == str(plan_file)
    saved = json.loads(plan_file.read_text())
    assert [p["package"] for p in saved["packages"]] == ["octo-app"]
    assert versions(api) == before
    assert result.outputs["planned-count"] == "3" and result.outputs["deleted-count"] == "0"
    assert "Dry run: nothing was deleted" in result.summary

    refused = run(tmp_path, api, {**POLICY, "plan-out": str(plan_file), "dry-run": "false"})
    assert refused.failed and "leave dry-run true" in refused.step("prune").stdout


def test_a_reviewed_plan_is_applied(tmp_path: Path, api: Emulator) -> None:
    kept, planned = plan(api, "--untagged", "--keep-latest", "2")
    plan_file = tmp_path / "workspace" / "plan.json"
    assert not run(tmp_path, api, {**POLICY, "plan-out": str(plan_file)}).failed
    # Applying takes the plan as it is: the policy inputs have no say.
    dry = run(tmp_path, api, {"apply-plan": str(plan_file)})
    assert not dry.failed, dry.log
    assert "apply " + str(plan_file) in dry.step("prune").stdout
    assert dry.outputs["planned-count"] == "3" and dry.outputs["deleted-count"] == "0"
    assert len(versions(api)) == len(kept) + len(planned)

    # A budget bounds an apply as it bounds a prune (a warning, not a
    # failure): 3 requests, the listing that checks the plan, then one
    # deletion and the check before it. The same step again deletes the
    # rest, the first one's deletions skipped as gone since the plan.
    # (A classic token, as in the budget test above.)
    applied = {"apply-plan": str(plan_file), "dry-run": "false", "token": ADMIN_TOKEN}
    stopped = run(tmp_path, api, {**applied, "max-requests": "3"})
    assert not stopped.failed, stopped.log
    assert "--no-check-each" not in stopped.step("prune").stdout
    assert stopped.outputs["deleted-count"] == "1", stopped.outputs
    assert stopped.outputs["left-count"] == "2", stopped.outputs
    assert "::warning::stopped at the request budget" in stopped.step("prune").stdout
    assert len(versions(api)) == len(kept) + 2

    done = run(tmp_path, api, {**applied, "check-each": "false"})
    assert not done.failed, done.log
    assert "--no-check-each" in done.step("prune").stdout
    assert done.outputs["deleted-count"] == "2" and Path(done.outputs["journal"]).exists()
    assert done.outputs["left-count"] == "0", done.outputs
    assert versions(api) == kept
    assert "Deleted 2 versions" in done.summary

    mixed = run(tmp_path, api, {**POLICY, "apply-plan": str(plan_file)})
    assert mixed.failed and "apply-plan executes a saved plan" in mixed.step("prune").stdout
