"""Prints a composite action's action.yml as a workflow, for actionlint.

actionlint lints workflows, not action metadata. As a reusable workflow
(`on: workflow_call`) whose inputs are the action's and whose one job runs
the action's steps, the action's expressions, `inputs.*` and `steps.*`
references, shells and run scripts are checked as they would be in a
workflow; a last step reads every output's `value`, so a misspelt step id
or output name there is found too.

    python as_workflow.py action.yml > action-as-workflow.yml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml


def as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    inputs = {}
    for name, meta in (action.get("inputs") or {}).items():
        spec: dict[str, Any] = {"type": "string", "required": bool(meta.get("required", False))}
        if "description" in meta:
            spec["description"] = meta["description"]
        if "default" in meta:
            spec["default"] = str(meta["default"])
        inputs[name] = spec
    steps = list(action["runs"]["steps"])
    outputs = action.get("outputs") or {}
    if outputs:
        steps.append(
            {
                "name": "outputs",
                "shell": "bash",
                "env": {
                    "OUTPUT_" + name.upper().replace("-", "_"): meta["value"]
                    for name, meta in outputs.items()
                },
                "run": "true",
            }
        )
    return {
        "name": action.get("name", "action"),
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}},
    }


if __name__ == "__main__":
    action = yaml.safe_load(Path(sys.argv[1]).read_text())
    if action["runs"]["using"] != "composite":
        sys.exit(f"{sys.argv[1]}: not a composite action")
    print(f"# Generated from {sys.argv[1]} by tests/action/as_workflow.py.")
    print(yaml.safe_dump(as_workflow(action), sort_keys=False, width=1000))
