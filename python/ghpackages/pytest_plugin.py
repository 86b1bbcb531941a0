"""pytest plugin (registered through the ``pytest11`` entry point): the
``ghpackages_emulator`` fixture, a fresh in-process emulator per test.

The data is the demo data unless a test says otherwise, in order of
precedence:

- a marker: ``@pytest.mark.ghpackages_emulator(fixture, limits=..., time_factor=..., faults=...)``
  takes the arguments of :class:`ghpackages.testing.Emulator` (one positional
  argument at most, the fixture; more are an error);
- a fixture of your own named ``ghpackages_emulator_data`` returning a
  fixture dict, a path or ``"demo"`` (in a ``conftest.py`` it applies to a
  whole directory).

A marker's fixture wins over ``ghpackages_emulator_data``; a marker without
one (``@pytest.mark.ghpackages_emulator(limits=True)``) keeps that data and
sets only the options.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing import Emulator, FixtureSource

MARKER = "ghpackages_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(fixture='demo', *, limits=False, time_factor=1.0, faults=None): "
        "how the ghpackages_emulator fixture starts the emulator",
    )


@pytest.fixture
def ghpackages_emulator_data() -> FixtureSource:
    """The data of ``ghpackages_emulator``: the demo data. Override it with a
    fixture of the same name."""
    return "demo"


@pytest.fixture
def ghpackages_emulator(
    request: pytest.FixtureRequest, ghpackages_emulator_data: FixtureSource
) -> Iterator[Emulator]:
    """An emulator of the GitHub Packages API for this test, stopped after it."""
    from .testing import Emulator

    options: dict[str, Any] = {"fixture": ghpackages_emulator_data}
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) > 1:
            raise TypeError(
                f"@pytest.mark.{MARKER} takes one positional argument (the fixture), "
                f"not {len(marker.args)}; the options are keyword arguments"
            )
        options.update(zip(["fixture"], marker.args))
        options.update(marker.kwargs)
    with Emulator(**options) as emulator:
        yield emulator
