"""Runs a composite action's steps the way GitHub's runner does, on this machine.

What the runner does and this module does too:
- inputs: the `with:` values, else each input's `default` (evaluated, so
  `${{ github.token }}` works); a required input left out is an error;
- `${{ ... }}` expressions in `if`, `env`, `run` and the outputs' `value`,
  over the `inputs`, `github`, `runner`, `env` and `steps` contexts, with the
  operators and functions listed in `Expression`; anything else is an error
  rather than a guess;
- each `run` step through `bash --noprofile --norc -eo pipefail FILE`, with
  fresh GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY files;
  after the step, its `name=value` and `name<<DELIMITER` outputs become
  `steps.<id>.outputs`, GITHUB_PATH lines go in front of PATH and GITHUB_ENV
  variables into the environment of the steps after it;
- a step summary over 1 MiB is refused, as GitHub refuses it;
- `if:` defaults to `success()`; once a step fails, only steps whose `if`
  calls `always()` or `failure()` run;
- no INPUT_* variables: the runner sets them for JavaScript and Docker
  actions but not for composite ones (actions/runner#665), so an action that
  relied on them would pass here only if it maps them itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

STEP_SUMMARY_LIMIT = 1024 * 1024


class ActionError(Exception):
    """The action (or this runner) cannot go on: a bad action.yml or input."""


# ---- expressions ------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])
    | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ActionError(f"cannot read expression at {text[position:]!r}")
        kind = match.lastgroup
        assert kind
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _text(value: Any) -> str:
    """A value as the runner turns it into a string."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", 0.0)


def _loose_equal(a: Any, b: Any) -> bool:
    # GitHub compares case-insensitively for strings and coerces mixed types to numbers.
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is not type(b):
        def number(v: Any) -> float:
            if v is None or v == "":
                return 0.0
            if isinstance(v, bool):
                return 1.0 if v else 0.0
            try:
                return float(v)
            except (TypeError, ValueError):
                return float("nan")
        return number(a) == number(b)
    return bool(a == b)


class Expression:
    """A parser for GitHub's expression syntax: literals, property access
    (`a.b`, `a['b']`), `!`, `==`, `!=`, `&&`, `||`, parentheses, and the
    functions success, failure, always, cancelled, contains, startsWith,
    endsWith, format, toJSON, fromJSON."""

    def __init__(self, text: str, contexts: dict[str, Any], status: dict[str, bool]) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.contexts = contexts
        self.status = status
        self.text = text

    def evaluate(self) -> Any:
        value = self._or()
        if self.position != len(self.tokens):
            raise ActionError(f"unexpected {self.tokens[self.position][1]!r} in {self.text!r}")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ActionError(f"expression ends early: {self.text!r}")
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise ActionError(f"expected {expected!r}, found {token[1]!r} in {self.text!r}")
        self.position += 1
        return token

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            value = value if _truthy(value) else right
        return value

    def _and(self) -> Any:
        value = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            value = right if _truthy(value) else value
        return value

    def _compare(self) -> Any:
        value = self._unary()
        while self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            equal = _loose_equal(value, right)
            value = equal if op == "==" else not equal
        return value

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not _truthy(self._unary())
        return self._access()

    def _access(self) -> Any:
        value = self._primary()
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, name = self._take()
                if kind != "name":
                    raise ActionError(f"expected a property name in {self.text!r}")
                key: Any = name
            else:
                key = self._or()
                self._take("]")
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def _primary(self) -> Any:
        kind, token = self._take()
        if kind == "string":
            return token[1:-1].replace("''", "'")
        if kind == "number":
            return float(token)
        if token == "(":
            value = self._or()
            self._take(")")
            return value
        if kind != "name":
            raise ActionError(f"unexpected {token!r} in {self.text!r}")
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        if self._peek() == "(":
            self._take()
            args: list[Any] = []
            while self._peek() != ")":
                args.append(self._or())
                if self._peek() == ",":
                    self._take()
            self._take(")")
            return self._call(token, args)
        if token not in self.contexts:
            raise ActionError(f"unknown context {token!r} in {self.text!r}")
        return self.contexts[token]

    def _call(self, name: str, args: list[Any]) -> Any:
        functions: dict[str, Callable[..., Any]] = {
            "success": lambda: not self.status["failed"],
            "failure": lambda: self.status["failed"],
            "always": lambda: True,
            "cancelled": lambda: False,
            "contains": lambda a, b: (
                any(_loose_equal(x, b) for x in a)
                if isinstance(a, list)
                else _text(b).lower() in _text(a).lower()
            ),
            "startsWith": lambda a, b: _text(a).lower().startswith(_text(b).lower()),
            "endsWith": lambda a, b: _text(a).lower().endswith(_text(b).lower()),
            "format": lambda f, *rest: re.sub(
                r"\{(\d+)\}", lambda m: _text(rest[int(m.group(1))]), f
            ).replace("{{", "{").replace("}}", "}"),
            "toJSON": lambda v: json.dumps(v, indent=2),
            "fromJSON": lambda v: json.loads(v),
        }
        if name.lower() not in {k.lower() for k in functions}:
            raise ActionError(f"unknown function {name}() in {self.text!r}")
        function = next(f for k, f in functions.items() if k.lower() == name.lower())
        if name.lower() in ("always", "failure", "cancelled"):
            self.status["status_checked"] = True
        return function(*args)


_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def substitute(text: str, contexts: dict[str, Any], status: dict[str, bool]) -> str:
    """`text` with every `${{ expression }}` replaced by its value as a string."""
    return _EMBEDDED.sub(
        lambda m: _text(Expression(m.group(1), contexts, status).evaluate()), text
    )


def condition(text: str | bool | None, contexts: dict[str, Any], status: dict[str, bool]) -> bool:
    """An `if:`: an expression with or without `${{ }}`, `success()` unless it
    mentions one of the status functions."""
    if text is None:
        return not status["failed"]
    if isinstance(text, bool):
        return text and not status["failed"]
    text = text.strip()
    match = _EMBEDDED.fullmatch(text)
    expression = match.group(1) if match else text
    flags = {"failed": status["failed"], "status_checked": False}
    value = _truthy(Expression(expression, contexts, flags).evaluate())
    if not flags["status_checked"]:
        value = value and not status["failed"]
    return value


# ---- the files a step writes --------------------------------------------------

def read_key_values(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    lines = path.read_text().split("\n") if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        heredoc = re.fullmatch(r"([^=<]+)<<(.+)", line)
        if heredoc and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = heredoc.groups()
            body = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise ActionError(f"{path.name}: no closing {delimiter!r} for {name}")
            index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ActionError(f"{path.name}: cannot read line {line!r}")
    return values


# ---- the run --------------------------------------------------------------

@dataclass
class StepResult:
    id: str | None
    name: str
    ran: bool
    exit_code: int | None
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class RunResult:
    outputs: dict[str, str]
    steps: list[StepResult]
    summary: str
    path_added: list[str]
    failed: bool
    log: str = field(default="")

    def step(self, step_id: str) -> StepResult:
        return next(s for s in self.steps if s.id == step_id)


def run_action(
    action_dir: Path,
    with_: dict[str, str],
    github: dict[str, Any],
    env: dict[str, str],
    runner_temp: Path,
    runner: dict[str, str] | None = None,
) -> RunResult:
    """Runs the composite action in `action_dir` as a workflow step
    `uses: OWNER/REPO@REF` with `with_` would: `github` is the github
    context (token, action_ref, api_url, ...), `env` the job's environment
    (PATH included)."""
    spec = yaml.safe_load((action_dir / "action.yml").read_text())
    if spec["runs"]["using"] != "composite":
        raise ActionError("not a composite action")
    runner = {"os": "Linux", "arch": "X64", "temp": str(runner_temp), **(runner or {})}
    github = {"action_path": str(action_dir), **github}
    status = {"failed": False}
    unknown = set(with_) - set(spec.get("inputs", {}))
    if unknown:
        # The runner only warns; a test wants to know.
        raise ActionError(f"unexpected inputs {sorted(unknown)}")

    base = {"github": github, "runner": runner, "env": dict(env)}
    inputs: dict[str, str] = {}
    for name, meta in spec.get("inputs", {}).items():
        if name in with_:
            inputs[name] = with_[name]
        elif "default" in meta:
            inputs[name] = substitute(_text(meta["default"]), base, status)
        elif meta.get("required"):
            raise ActionError(f"input {name} is required")
        else:
            inputs[name] = ""

    job_env = dict(env)
    job_env.update(
        {
            "GITHUB_ACTION_PATH": str(action_dir),
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "RUNNER_OS": runner["os"],
            "RUNNER_ARCH": runner["arch"],
            "RUNNER_TEMP": runner["temp"],
            "GITHUB_SERVER_URL": github.get("server_url", ""),
            "GITHUB_API_URL": github.get("api_url", ""),
            "GITHUB_REPOSITORY": github.get("repository", ""),
            "GITHUB_RUN_ID": str(github.get("run_id", "")),
            "GITHUB_WORKSPACE": github.get("workspace", ""),
        }
    )
    steps_context: dict[str, Any] = {}
    results: list[StepResult] = []
    summaries: list[str] = []
    path_added: list[str] = []
    log: list[str] = []

    for index, step in enumerate(spec["runs"]["steps"]):
        step_id = step.get("id")
        name = step.get("name") or step_id or f"step {index + 1}"
        contexts = {**base, "inputs": inputs, "steps": steps_context, "env": dict(job_env)}
        if "uses" in step:
            raise ActionError(f"{name}: `uses` steps are not run here")
        if "shell" not in step:
            raise ActionError(f"{name}: a composite action's run step needs a shell")
        if step["shell"] != "bash":
            raise ActionError(f"{name}: only shell: bash is run here")
        if not condition(step.get("if"), contexts, status):
            results.append(StepResult(step_id, name, False, None, "", "", {}))
            continue
        files = Path(tempfile.mkdtemp(dir=runner["temp"], prefix="step-"))
        output, env_file, path_file, summary = (
            files / n for n in ("output", "env", "path", "summary")
        )
        for f in (output, env_file, path_file, summary):
            f.touch()
        step_env = dict(job_env)
        for key, value in (step.get("env") or {}).items():
            step_env[key] = substitute(_text(value), contexts, status)
        step_env.update(
            {
                "GITHUB_OUTPUT": str(output),
                "GITHUB_ENV": str(env_file),
                "GITHUB_PATH": str(path_file),
                "GITHUB_STEP_SUMMARY": str(summary),
            }
        )
        script = files / "script.sh"
        script.write_text(substitute(step["run"], contexts, status))
        workdir = step.get("working-directory") or github.get("workspace") or None
        process = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=step_env,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        log.append(f"--- {name} (exit {process.returncode})\n{process.stdout}{process.stderr}")
        outputs = read_key_values(output)
        if step_id:
            steps_context[step_id] = {
                "outputs": outputs,
                "outcome": "success" if process.returncode == 0 else "failure",
                "conclusion": "success" if process.returncode == 0 else "failure",
            }
        text = summary.read_text()
        if len(text.encode()) > STEP_SUMMARY_LIMIT:
            raise ActionError(f"{name}: step summary of {len(text.encode())} bytes is over 1 MiB")
        summaries.append(text)
        for line in path_file.read_text().splitlines():
            if line.strip():
                path_added.append(line)
                job_env["PATH"] = f"{line}{os.pathsep}{job_env.get('PATH', '')}"
        job_env.update(read_key_values(env_file))
        results.append(
            StepResult(step_id, name, True, process.returncode, process.stdout, process.stderr, outputs)
        )
        if process.returncode != 0:
            status["failed"] = True

    contexts = {**base, "inputs": inputs, "steps": steps_context, "env": dict(job_env)}
    outputs = {
        name: substitute(_text(meta.get("value", "")), contexts, status)
        for name, meta in spec.get("outputs", {}).items()
    }
    return RunResult(outputs, results, "".join(summaries), path_added, status["failed"], "\n".join(log))
