"""Test code that uses ghpackages offline, against the project's emulator of
the GitHub Packages API: a real HTTP server on loopback, with GitHub's
semantics (soft deletes and the 30-day restore window, the 5,000-downloads
rule, rate limits), a clock the test moves, and fault injection.

The emulator runs inside this process (it is compiled into the native
module), so nothing else needs installing::

    from ghpackages.testing import Emulator

    with Emulator() as emulator:          # the demo data
        client = emulator.client()        # token ghp_demo_octocat
        emulator.advance_clock(days=31)

Under pytest, the ``ghpackages_emulator`` fixture gives one per test (see
``ghpackages.pytest_plugin``). The fixture format and the demo data are
described in the emulator's README.

Errors are the client's: :class:`ghpackages.InvalidInputError` (a
``ValueError``) for refused data, settings, clock moves or a missing token,
:class:`ghpackages.NotFoundError` for an unknown account or package,
:class:`ghpackages.GitHubPackagesError` with ``code == "other"`` once the
emulator is stopped, and ``TypeError`` for an argument of the wrong type.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Optional, Union

from ._native import (
    AsyncClient,
    Client,
    PackageType,
    PackageVersion,
    VersionState,
)

try:
    from ._native import InProcessEmulator
except ImportError:
    raise ImportError(
        "ghpackages.testing needs the emulator, and this build of ghpackages was "
        "compiled without it (cargo feature `testing` of bindings/python off); "
        "the released wheel carries it: install that one, or build with the "
        "default features",
        name=__name__,
    ) from None

#: Data to start with: a fixture as a dict, a path to a fixture JSON file,
#: or ``"demo"`` for the demo data.
FixtureSource = Union[Mapping[str, Any], str, "os.PathLike[str]"]

__all__ = ["Emulator", "FixtureSource"]


def _json_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a timezone")
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not valid in a fixture")


def _to_json(value: object) -> str:
    return json.dumps(value, default=_json_value)


def _fixture_source(
    fixture: FixtureSource,
) -> tuple[Optional[str], Optional[Union[str, "os.PathLike[str]"]]]:
    """The fixture as (JSON text, None) or (None, path); the engine reads the
    file, and takes the path ``"demo"`` as the demo data."""
    if isinstance(fixture, Mapping):
        return _to_json(fixture), None
    if isinstance(fixture, (str, os.PathLike)):
        return None, fixture
    raise TypeError(
        f"fixture: expected a mapping, a path (str or os.PathLike) or \"demo\", "
        f"not {type(fixture).__name__}"
    )


class Emulator:
    """An emulator serving on ``127.0.0.1`` on a free port from construction
    until :meth:`stop` (or the end of a ``with`` / ``async with`` block).

    ``limits=False`` turns GitHub's rate limits off (no ``X-RateLimit-*``
    headers); with ``limits=True``, ``time_factor`` makes their windows pass
    that many times faster. ``faults`` takes the keyword arguments of
    :meth:`set_faults` as a dict.
    """

    def __init__(
        self,
        fixture: FixtureSource = "demo",
        *,
        limits: bool = False,
        time_factor: float = 1.0,
        faults: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self._server = InProcessEmulator(
            *_fixture_source(fixture),
            limits,
            time_factor,
            None if faults is None else _to_json(dict(faults)),
        )

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT``."""
        return self._server.url

    @property
    def default_token(self) -> Optional[str]:
        """The fixture's first token (``ghp_demo_octocat`` for the demo data)."""
        return self._server.default_token

    def client(self, token: Optional[str] = None, **options: Any) -> Client:
        """A :class:`ghpackages.Client` for this emulator (``token`` defaults
        to :attr:`default_token`; the environment's token is not read;
        ``InvalidInputError`` when the fixture has no tokens and none is
        given). ``options`` are the client's other keyword arguments."""
        options.setdefault("base_url", self.url)
        options.setdefault("token_from_env", False)
        return Client(self._server.token(token), **options)

    def async_client(self, token: Optional[str] = None, **options: Any) -> AsyncClient:
        """An :class:`ghpackages.AsyncClient` for this emulator, as :meth:`client`."""
        options.setdefault("base_url", self.url)
        options.setdefault("token_from_env", False)
        return AsyncClient(self._server.token(token), **options)

    def now(self) -> datetime.datetime:
        """The emulator's current time (the system time plus the clock's advance)."""
        return self._server.now()

    def advance_clock(
        self,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> None:
        """Moves the emulator's clock by the sum of the four (negative values
        move it back): the 30-day restore window, ``deleted_at`` and
        rate-limit windows follow. ``InvalidInputError`` for a value that is
        not finite or a move that would take the emulator's time outside
        1970-01-01 to 9999-12-31; a refused move changes nothing."""
        self._server.advance_clock(days, hours, minutes, seconds)

    def set_faults(
        self,
        *,
        error_rate: float = 0.0,
        error_statuses: Iterable[int] = (500, 502, 503, 504),
        latency_ms: int = 0,
        latency_max_ms: int = 0,
        drop_rate: float = 0.0,
        malformed_rate: float = 0.0,
        seed: Optional[int] = None,
    ) -> None:
        """Replaces the fault injection; with no arguments, turns it off.

        Each request draws once: answered with one of ``error_statuses`` (a
        GitHub error body) at ``error_rate``, its connection closed without
        answer at ``drop_rate``, answered ``200`` with a body cut short at
        ``malformed_rate``; ``latency_ms`` (up to ``latency_max_ms``) is
        added. A fault strikes before the request is handled, so it changed
        nothing. ``seed`` makes the draws reproducible."""
        self._server.set_faults(
            _to_json(
                {
                    "error_rate": error_rate,
                    "error_statuses": list(error_statuses),
                    "latency_ms": latency_ms,
                    "latency_max_ms": latency_max_ms,
                    "drop_rate": drop_rate,
                    "malformed_rate": malformed_rate,
                    "seed": seed,
                }
            )
        )

    def load(self, fixture: FixtureSource) -> None:
        """Adds a fixture's data (all of it or, when it is refused, none); not
        the demo data."""
        self._server.load(*_fixture_source(fixture))

    def add_package(
        self,
        owner: str,
        package_type: Union[PackageType, str],
        name: str,
        *,
        versions: Iterable[Mapping[str, Any]] = (),
        **fields: Any,
    ) -> None:
        """Creates a package of ``owner``. ``versions`` and ``fields``
        (``visibility``, ``repository``, ``generate``, ...) are in the
        fixture format; times may be aware ``datetime`` objects. A version
        without ``created_at`` is created at the emulator's current time.
        ``NotFoundError`` when ``owner`` is not an account of the emulator's."""
        if not isinstance(package_type, str):
            raise TypeError(
                f"package_type: expected a PackageType or str, not {type(package_type).__name__}"
            )
        package = {
            "owner": owner,
            "package_type": package_type,
            "name": name,
            "versions": [dict(v) for v in versions],
            **fields,
        }
        self._server.add_package(_to_json(package))

    def versions(
        self,
        owner: str,
        package_type: Union[PackageType, str],
        name: str,
        *,
        state: Union[VersionState, str] = "active",
    ) -> list[PackageVersion]:
        """The versions of a live package, newest first, whatever a token
        may see: ``state="active"``, or ``"deleted"`` for those deleted and
        still restorable. Raises ``NotFoundError`` for an unknown owner or
        package."""
        return self._server.versions(owner, package_type, name, state)

    def stop(self) -> None:
        """Stops serving: no new connections; requests in flight may finish
        for a grace period of five seconds, then those still unfinished are
        cut off (their clients see the connection break). Blocks until the
        server is down, so for up to those five seconds while requests are
        in flight (``async with`` waits in a thread instead, and the event
        loop keeps running). Stopping again does nothing."""
        self._server.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Emulator:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        # The stop may wait for requests in flight: in a thread, so that the
        # event loop (and those requests' clients) keep running.
        await asyncio.get_running_loop().run_in_executor(None, self.stop)

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r})"
