import builtins
import datetime
import enum
import os
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, Generic, Literal, NoReturn, Optional, TypeVar, Union, final

_T = TypeVar("_T")

# A duration: seconds (int or float) or a timedelta.
_Seconds = Union[float, datetime.timedelta]
# Enumerations are accepted as members or as their string values.
_PackageTypeArg = Union["PackageType", str]
_VisibilityArg = Union["Visibility", str]
_VersionStateArg = Union["VersionState", str]
# A cleanup policy: a dict or its JSON text.
_Policy = Union[dict[str, Any], str]
_Path = Union[str, os.PathLike[str]]
# Called with each outcome of a cleanup or undo, as a dict.
_OnOutcome = Callable[[dict[str, Any]], object]
# Called before each rate-limit wait with {"reason", "wait_ms", "resume_at"}.
_OnRateLimit = Callable[[dict[str, Any]], object]
# A journal file, or a report's "journal_entries".
_Journal = Union[_Path, list[dict[str, Any]]]
# A time filter of undo: a datetime, or RFC 3339 text, a date, an age ("2h").
_Instant = Union[datetime.datetime, str]

__all__ = [
    "__version__",
    "GitHubApp",
    "GitHubPackagesError",
    "NotFoundError",
    "AuthenticationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ValidationError",
    "ConflictError",
    "InvalidInputError",
    "ServerError",
    "TransportError",
    "TimeoutError",
    "DecodeError",
    "_error_kinds",
    "_raise_error",
    "PackageType",
    "Visibility",
    "VersionState",
    "Client",
    "AsyncClient",
    "RetryPolicy",
    "Owner",
    "AsyncOwner",
    "Package",
    "PackageVersion",
    "PackageVersionMetadata",
    "ContainerMetadata",
    "DockerMetadata",
    "SimpleUser",
    "MinimalRepository",
    "Page",
    "Links",
    "RateLimit",
    "_ItemIterator",
    "_AsyncItemIterator",
    "CleanupPlan",
    "CleanupReport",
    "UndoReport",
    "CleanupDecision",
    "PackagesPlan",
    "PackagesReport",
    "plan_cleanup",
    "InProcessEmulator",
]

__version__: str

class PackageType(str, enum.Enum):
    """The registry a package belongs to (package_type)."""

    NPM = "npm"
    MAVEN = "maven"
    RUBYGEMS = "rubygems"
    DOCKER = "docker"
    NUGET = "nuget"
    CONTAINER = "container"

class Visibility(str, enum.Enum):
    """Visibility of a package, and the visibility filter of package lists."""

    PUBLIC = "public"
    PRIVATE = "private"
    INTERNAL = "internal"

class VersionState(str, enum.Enum):
    """State filter of version lists: active or deleted versions."""

    ACTIVE = "active"
    DELETED = "deleted"

class GitHubPackagesError(Exception):
    """Base class of every error raised by ghpackages."""

    code: str
    status: Optional[int]
    message: str
    github_message: Optional[str]
    documentation_url: Optional[str]
    request_id: Optional[str]
    rate_limit: Optional[RateLimit]
    retry_after: Optional[float]
    retryable: bool

class NotFoundError(GitHubPackagesError): ...
class AuthenticationError(GitHubPackagesError): ...
class PermissionDeniedError(GitHubPackagesError): ...

class RateLimitError(GitHubPackagesError):
    reset_at: Optional[datetime.datetime]

class ValidationError(GitHubPackagesError): ...
class ConflictError(GitHubPackagesError): ...

class InvalidInputError(GitHubPackagesError, ValueError):
    argument: Optional[str]

class ServerError(GitHubPackagesError): ...
class TransportError(GitHubPackagesError, ConnectionError): ...
class TimeoutError(GitHubPackagesError, builtins.TimeoutError): ...
class DecodeError(GitHubPackagesError): ...

@final
class GitHubApp:
    """A GitHub App installation to authenticate as. ``private_key`` is the
    PEM text, or a path to the PEM file; give ``installation_id`` or the
    ``owner`` the app is installed on."""

    def __new__(
        cls,
        app_id: Union[int, str],
        private_key: Union[str, os.PathLike[str]],
        *,
        installation_id: Optional[int] = None,
        owner: Optional[str] = None,
    ) -> GitHubApp: ...
    @property
    def app_id(self) -> str: ...
    @property
    def installation_id(self) -> Optional[int]: ...
    @property
    def owner(self) -> Optional[str]: ...

@final
class RetryPolicy:
    def __new__(
        cls,
        max_attempts: Optional[int] = None,
        *,
        initial_backoff: Optional[_Seconds] = None,
        max_backoff: Optional[_Seconds] = None,
        max_total_wait: Optional[_Seconds] = None,
    ) -> RetryPolicy: ...
    @staticmethod
    def none() -> RetryPolicy: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def initial_backoff(self) -> float: ...
    @property
    def max_backoff(self) -> float: ...
    @property
    def max_total_wait(self) -> float: ...

@final
class RateLimit:
    @property
    def limit(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    @property
    def used(self) -> int: ...
    @property
    def reset(self) -> datetime.datetime: ...
    @property
    def resource(self) -> Optional[str]: ...

@final
class Links:
    @property
    def next(self) -> Optional[str]: ...
    @property
    def prev(self) -> Optional[str]: ...
    @property
    def first(self) -> Optional[str]: ...
    @property
    def last(self) -> Optional[str]: ...

@final
class Page(Generic[_T]):
    @property
    def items(self) -> list[_T]: ...
    @property
    def links(self) -> Links: ...
    @property
    def rate_limit(self) -> Optional[RateLimit]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T]: ...

@final
class _ItemIterator(Generic[_T]):
    """Every item of a list, fetched lazily (`for item in ...`)."""

    def __iter__(self) -> _ItemIterator[_T]: ...
    def __next__(self) -> _T: ...

@final
class _AsyncItemIterator(Generic[_T]):
    """Every item of a list, fetched lazily (`async for item in ...`)."""

    def __aiter__(self) -> _AsyncItemIterator[_T]: ...
    def __anext__(self) -> Awaitable[_T]: ...

@final
class SimpleUser:
    @property
    def login(self) -> str: ...
    @property
    def id(self) -> int: ...
    @property
    def node_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def site_admin(self) -> bool: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def email(self) -> Optional[str]: ...
    @property
    def avatar_url(self) -> str: ...
    @property
    def gravatar_id(self) -> Optional[str]: ...
    @property
    def url(self) -> str: ...
    @property
    def html_url(self) -> str: ...
    @property
    def user_view_type(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class MinimalRepository:
    @property
    def id(self) -> int: ...
    @property
    def node_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def owner(self) -> SimpleUser: ...
    @property
    def private(self) -> bool: ...
    @property
    def html_url(self) -> str: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def fork(self) -> bool: ...
    @property
    def url(self) -> str: ...
    @property
    def default_branch(self) -> Optional[str]: ...
    @property
    def visibility(self) -> Optional[str]: ...
    @property
    def archived(self) -> Optional[bool]: ...
    @property
    def pushed_at(self) -> Optional[datetime.datetime]: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def updated_at(self) -> Optional[datetime.datetime]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Package:
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def package_type(self) -> PackageType: ...
    @property
    def url(self) -> str: ...
    @property
    def html_url(self) -> str: ...
    @property
    def version_count(self) -> int: ...
    @property
    def visibility(self) -> Visibility: ...
    @property
    def owner(self) -> Optional[SimpleUser]: ...
    @property
    def repository(self) -> Optional[MinimalRepository]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def updated_at(self) -> datetime.datetime: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class ContainerMetadata:
    @property
    def tags(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class DockerMetadata:
    @property
    def tag(self) -> Optional[list[str]]: ...
    @property
    def tags(self) -> Optional[list[str]]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class PackageVersionMetadata:
    @property
    def package_type(self) -> PackageType: ...
    @property
    def container(self) -> Optional[ContainerMetadata]: ...
    @property
    def docker(self) -> Optional[DockerMetadata]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class PackageVersion:
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def package_html_url(self) -> str: ...
    @property
    def html_url(self) -> Optional[str]: ...
    @property
    def license(self) -> Optional[str]: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def updated_at(self) -> datetime.datetime: ...
    @property
    def deleted_at(self) -> Optional[datetime.datetime]: ...
    @property
    def metadata(self) -> Optional[PackageVersionMetadata]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Owner:
    """The packages of one owner; every method blocks (releasing the GIL)."""

    def list_packages(
        self,
        package_type: _PackageTypeArg,
        *,
        visibility: Optional[_VisibilityArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Page[Package]: ...
    def stream_packages(
        self,
        package_type: _PackageTypeArg,
        *,
        visibility: Optional[_VisibilityArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> _ItemIterator[Package]: ...
    def list_all_packages(
        self,
        package_type: _PackageTypeArg,
        *,
        visibility: Optional[_VisibilityArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> list[Package]: ...
    def get_package(self, package_type: _PackageTypeArg, package_name: str) -> Package: ...
    def delete_package(self, package_type: _PackageTypeArg, package_name: str) -> None: ...
    def restore_package(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        token: Optional[str] = None,
    ) -> None: ...
    def list_package_versions(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        state: Optional[_VersionStateArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Page[PackageVersion]: ...
    def stream_package_versions(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        state: Optional[_VersionStateArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> _ItemIterator[PackageVersion]: ...
    def list_all_package_versions(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        state: Optional[_VersionStateArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> list[PackageVersion]: ...
    def get_package_version(
        self, package_type: _PackageTypeArg, package_name: str, package_version_id: int
    ) -> PackageVersion: ...
    def delete_package_version(
        self, package_type: _PackageTypeArg, package_name: str, package_version_id: int
    ) -> None: ...
    def restore_package_version(
        self, package_type: _PackageTypeArg, package_name: str, package_version_id: int
    ) -> None: ...
    def list_docker_migration_conflicts(self) -> list[Package]: ...
    def execute_cleanup(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        plan: CleanupPlan,
        *,
        journal: Optional[_Path] = None,
        journal_file: bool = True,
        concurrency: Optional[int] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        on_outcome: Optional[_OnOutcome] = None,
    ) -> CleanupReport: ...
    def plan_package_cleanup(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        policy: _Policy,
        *,
        manifest_graph: Optional[bool] = None,
        delete_referenced: Optional[bool] = None,
        concurrency: Optional[int] = None,
        downloads: Optional[dict[int, int]] = None,
        keep_refs_from: Optional[Sequence[_Path]] = None,
        keep_tags: Optional[Sequence[str]] = None,
        keep_digests: Optional[Sequence[str]] = None,
    ) -> CleanupPlan: ...
    def plan_packages_cleanup(
        self,
        package_type: _PackageTypeArg,
        packages: list[str],
        policy: _Policy,
        *,
        manifest_graph: Optional[bool] = None,
        delete_referenced: Optional[bool] = None,
        concurrency: Optional[int] = None,
        downloads: Optional[dict[int, int]] = None,
        keep_refs_from: Optional[Sequence[_Path]] = None,
        keep_tags: Optional[Sequence[str]] = None,
        keep_digests: Optional[Sequence[str]] = None,
    ) -> PackagesPlan: ...
    def execute_packages_cleanup(
        self,
        plan: PackagesPlan,
        *,
        journal: Optional[_Path] = None,
        journal_file: bool = True,
        concurrency: Optional[int] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        on_progress: Optional[_OnOutcome] = None,
    ) -> PackagesReport: ...
    def apply_cleanup_plan(
        self,
        plan: PackagesPlan,
        *,
        journal: Optional[_Path] = None,
        journal_file: bool = True,
        concurrency: Optional[int] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        check_each: bool = True,
        on_progress: Optional[_OnOutcome] = None,
    ) -> PackagesReport: ...
    def validate_container(
        self, package_name: str, *, concurrency: Optional[int] = None
    ) -> dict[str, Any]: ...

@final
class AsyncOwner:
    """The packages of one owner; every method returns an awaitable."""

    def list_packages(
        self,
        package_type: _PackageTypeArg,
        *,
        visibility: Optional[_VisibilityArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Awaitable[Page[Package]]: ...
    def stream_packages(
        self,
        package_type: _PackageTypeArg,
        *,
        visibility: Optional[_VisibilityArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> _AsyncItemIterator[Package]: ...
    def list_all_packages(
        self,
        package_type: _PackageTypeArg,
        *,
        visibility: Optional[_VisibilityArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Awaitable[list[Package]]: ...
    def get_package(
        self, package_type: _PackageTypeArg, package_name: str
    ) -> Awaitable[Package]: ...
    def delete_package(
        self, package_type: _PackageTypeArg, package_name: str
    ) -> Awaitable[None]: ...
    def restore_package(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        token: Optional[str] = None,
    ) -> Awaitable[None]: ...
    def list_package_versions(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        state: Optional[_VersionStateArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Awaitable[Page[PackageVersion]]: ...
    def stream_package_versions(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        state: Optional[_VersionStateArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> _AsyncItemIterator[PackageVersion]: ...
    def list_all_package_versions(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        *,
        state: Optional[_VersionStateArg] = None,
        page: Optional[int] = None,
        per_page: Optional[int] = None,
    ) -> Awaitable[list[PackageVersion]]: ...
    def get_package_version(
        self, package_type: _PackageTypeArg, package_name: str, package_version_id: int
    ) -> Awaitable[PackageVersion]: ...
    def delete_package_version(
        self, package_type: _PackageTypeArg, package_name: str, package_version_id: int
    ) -> Awaitable[None]: ...
    def restore_package_version(
        self, package_type: _PackageTypeArg, package_name: str, package_version_id: int
    ) -> Awaitable[None]: ...
    def list_docker_migration_conflicts(self) -> Awaitable[list[Package]]: ...
    def execute_cleanup(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        plan: CleanupPlan,
        *,
        journal: Optional[_Path] = None,
        journal_file: bool = True,
        concurrency: Optional[int] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        on_outcome: Optional[_OnOutcome] = None,
    ) -> Awaitable[CleanupReport]: ...
    def plan_package_cleanup(
        self,
        package_type: _PackageTypeArg,
        package_name: str,
        policy: _Policy,
        *,
        manifest_graph: Optional[bool] = None,
        delete_referenced: Optional[bool] = None,
        concurrency: Optional[int] = None,
        downloads: Optional[dict[int, int]] = None,
        keep_refs_from: Optional[Sequence[_Path]] = None,
        keep_tags: Optional[Sequence[str]] = None,
        keep_digests: Optional[Sequence[str]] = None,
    ) -> Awaitable[CleanupPlan]: ...
    def plan_packages_cleanup(
        self,
        package_type: _PackageTypeArg,
        packages: list[str],
        policy: _Policy,
        *,
        manifest_graph: Optional[bool] = None,
        delete_referenced: Optional[bool] = None,
        concurrency: Optional[int] = None,
        downloads: Optional[dict[int, int]] = None,
        keep_refs_from: Optional[Sequence[_Path]] = None,
        keep_tags: Optional[Sequence[str]] = None,
        keep_digests: Optional[Sequence[str]] = None,
    ) -> Awaitable[PackagesPlan]: ...
    def execute_packages_cleanup(
        self,
        plan: PackagesPlan,
        *,
        journal: Optional[_Path] = None,
        journal_file: bool = True,
        concurrency: Optional[int] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        on_progress: Optional[_OnOutcome] = None,
    ) -> Awaitable[PackagesReport]: ...
    def apply_cleanup_plan(
        self,
        plan: PackagesPlan,
        *,
        journal: Optional[_Path] = None,
        journal_file: bool = True,
        concurrency: Optional[int] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        check_each: bool = True,
        on_progress: Optional[_OnOutcome] = None,
    ) -> Awaitable[PackagesReport]: ...
    def validate_container(
        self, package_name: str, *, concurrency: Optional[int] = None
    ) -> Awaitable[dict[str, Any]]: ...

@final
class Client:
    """A blocking client; safe to share between threads."""

    def __new__(
        cls,
        token: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        token_from_env: bool = True,
        api_version: Optional[str] = None,
        user_agent: Optional[str] = None,
        connect_timeout: Optional[_Seconds] = None,
        timeout: Optional[_Seconds] = None,
        retry: Optional[RetryPolicy] = None,
        page_concurrency: Optional[int] = None,
        allow_insecure_http: bool = False,
        registry_url: Optional[str] = None,
        on_rate_limit: Optional[_OnRateLimit] = None,
        app: Optional[GitHubApp] = None,
    ) -> Client: ...
    def org(self, org: str) -> Owner: ...
    def user(self, username: str) -> Owner: ...
    def me(self) -> Owner: ...
    def undo_cleanup(
        self,
        journal: _Journal,
        *,
        packages: Optional[list[str]] = None,
        versions: Optional[list[Union[int, str]]] = None,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
        last: Optional[int] = None,
        dry_run: bool = False,
        allow_other_server: bool = False,
        concurrency: Optional[int] = None,
        now: Optional[datetime.datetime] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        on_outcome: Optional[_OnOutcome] = None,
    ) -> UndoReport: ...
    @property
    def base_url(self) -> str: ...
    @property
    def has_token(self) -> bool: ...
    @property
    def api_version(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def rate_limit(self) -> Optional[RateLimit]: ...
    @property
    def token_scopes(self) -> Optional[list[str]]: ...

@final
class AsyncClient:
    """An asyncio client: owner methods return awaitables."""

    def __new__(
        cls,
        token: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        token_from_env: bool = True,
        api_version: Optional[str] = None,
        user_agent: Optional[str] = None,
        connect_timeout: Optional[_Seconds] = None,
        timeout: Optional[_Seconds] = None,
        retry: Optional[RetryPolicy] = None,
        page_concurrency: Optional[int] = None,
        allow_insecure_http: bool = False,
        registry_url: Optional[str] = None,
        on_rate_limit: Optional[_OnRateLimit] = None,
        app: Optional[GitHubApp] = None,
    ) -> AsyncClient: ...
    def org(self, org: str) -> AsyncOwner: ...
    def user(self, username: str) -> AsyncOwner: ...
    def me(self) -> AsyncOwner: ...
    def undo_cleanup(
        self,
        journal: _Journal,
        *,
        packages: Optional[list[str]] = None,
        versions: Optional[list[Union[int, str]]] = None,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
        last: Optional[int] = None,
        dry_run: bool = False,
        allow_other_server: bool = False,
        concurrency: Optional[int] = None,
        now: Optional[datetime.datetime] = None,
        max_rate_limit_waits: Optional[int] = None,
        budget: Optional[dict[str, Union[int, bool, None]]] = None,
        on_outcome: Optional[_OnOutcome] = None,
    ) -> Awaitable[UndoReport]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def has_token(self) -> bool: ...
    @property
    def api_version(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def rate_limit(self) -> Optional[RateLimit]: ...
    @property
    def token_scopes(self) -> Optional[list[str]]: ...

@final
class CleanupDecision:
    """The fate of one version in a cleanup plan."""

    @property
    def version_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def action(self) -> Literal["delete", "keep"]: ...
    @property
    def rule(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def kept_by(self) -> list[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CleanupPlan:
    """A decision for every version of a package, newest first."""

    @property
    def policy(self) -> dict[str, Any]: ...
    @property
    def now(self) -> datetime.datetime: ...
    @property
    def decisions(self) -> list[CleanupDecision]: ...
    @property
    def deletions(self) -> list[CleanupDecision]: ...
    @property
    def graph(self) -> Optional[dict[str, Any]]: ...
    @property
    def kept(self) -> list[CleanupDecision]: ...
    @property
    def delete_count(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class CleanupReport:
    """The result of executing a cleanup plan."""

    @property
    def deleted(self) -> int: ...
    @property
    def already_gone(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def target(self) -> dict[str, Any]: ...
    @property
    def started_at(self) -> datetime.datetime: ...
    @property
    def finished_at(self) -> datetime.datetime: ...
    @property
    def journal(self) -> Optional[str]: ...
    @property
    def journal_entries(self) -> list[dict[str, Any]]: ...
    @property
    def outcomes(self) -> list[dict[str, Any]]: ...
    @property
    def stopped(self) -> Optional[dict[str, Any]]: ...
    @property
    def is_success(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class PackagesPlan:
    """A cleanup plan over several packages of one owner and type: the saved plan format."""

    @staticmethod
    def from_json(text: str) -> PackagesPlan: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def format_version(self) -> int: ...
    @property
    def owner(self) -> Optional[str]: ...
    @property
    def package_type(self) -> str: ...
    @property
    def policy(self) -> dict[str, Any]: ...
    @property
    def planned_at(self) -> datetime.datetime: ...
    @property
    def packages(self) -> list[dict[str, Any]]: ...
    @property
    def delete_count(self) -> int: ...

@final
class PackagesReport:
    """The result of executing (or applying) a cleanup plan over several packages: per package and in total."""

    @property
    def deleted(self) -> int: ...
    @property
    def already_gone(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def started_at(self) -> datetime.datetime: ...
    @property
    def finished_at(self) -> datetime.datetime: ...
    @property
    def journal(self) -> Optional[str]: ...
    @property
    def journal_entries(self) -> list[dict[str, Any]]: ...
    @property
    def packages(self) -> list[dict[str, Any]]: ...
    @property
    def stopped(self) -> Optional[dict[str, Any]]: ...
    @property
    def skipped(self) -> list[dict[str, Any]]: ...
    @property
    def is_success(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class UndoReport:
    """The result of undoing a cleanup."""

    @property
    def restored(self) -> int: ...
    @property
    def restorable(self) -> int: ...
    @property
    def expired(self) -> int: ...
    @property
    def already_active(self) -> int: ...
    @property
    def namespace_reused(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def dry_run(self) -> bool: ...
    @property
    def outcomes(self) -> list[dict[str, Any]]: ...
    @property
    def is_success(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

def plan_cleanup(
    versions: Sequence[PackageVersion],
    policy: _Policy,
    *,
    now: Optional[datetime.datetime] = None,
    visibility: Optional[_VisibilityArg] = None,
    downloads: Optional[dict[int, int]] = None,
) -> CleanupPlan: ...
@final
class InProcessEmulator:
    """The engine of ghpackages.testing.Emulator: the emulator serving in
    this process on a runtime of its own."""

    def __new__(
        cls,
        fixture_json: Optional[str],
        fixture_path: Optional[Union[str, os.PathLike[str]]],
        limits: bool,
        time_factor: float,
        faults_json: Optional[str],
    ) -> InProcessEmulator: ...
    @property
    def url(self) -> str: ...
    @property
    def default_token(self) -> Optional[str]: ...
    def token(self, token: Optional[str]) -> str: ...
    def advance_clock(self, days: float, hours: float, minutes: float, seconds: float) -> None: ...
    def now(self) -> datetime.datetime: ...
    def set_faults(self, faults_json: str) -> None: ...
    def load(
        self,
        fixture_json: Optional[str],
        fixture_path: Optional[Union[str, os.PathLike[str]]],
    ) -> None: ...
    def add_package(self, package_json: str) -> None: ...
    def versions(
        self,
        owner: str,
        package_type: _PackageTypeArg,
        name: str,
        state: _VersionStateArg,
    ) -> list[PackageVersion]: ...
    def stop(self) -> None: ...

def _error_kinds() -> list[str]: ...
def _raise_error(kind: str, message: str) -> NoReturn: ...
