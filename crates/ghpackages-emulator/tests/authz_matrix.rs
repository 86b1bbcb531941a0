//! The authorization matrix: every one of the 27 operations × every kind of
//! caller × public and private packages × a registry with granular
//! permissions (npm) and one with repository-scoped permissions only
//! (maven), over real HTTP. The expected status of each cell is derived here
//! from GitHub's documentation, independently of the emulator's code:
//!
//! - a bad token is 401 everywhere; no token is 401 everywhere except the
//!   org and user Docker-conflict lists, which "can be used without
//!   authentication" (public packages only);
//! - classic tokens need `read:packages` for everything, plus
//!   `delete:packages` to delete and `write:packages` to restore
//!   (`write:packages` includes `read:packages`), plus `repo` for registries
//!   with repository-scoped permissions; a missing scope is 403 whatever the
//!   package, so it reveals nothing;
//! - a private package is visible to its user and to the members of its
//!   organization; to anyone else it does not exist: 404, never 403, and the
//!   very same answer as for a package that does not exist;
//! - deleting and restoring need admin rights on the package: the user
//!   themself, or an organization admin; a caller who can see the package
//!   but is not an admin gets 403.
//!
//! GitHub also knows package admins (collaborators granted admin on one
//! package of a registry with granular permissions); the emulator models
//! them (fixture `collaborators`), and `package_roles.rs` tests them, so that
//! caller is not part of this matrix.
//!
//! Every successful delete or restore is undone by the owner right away, so
//! that each cell starts from the same state.

use std::fmt;

use chrono::{Duration, Utc};
use ghpackages_emulator::{Emulator, EmulatorConfig, Fixture, LimitsConfig, RunningEmulator};
use reqwest::{Client, Method};
use serde_json::{json, Value};

const ADMIN: &str = "emulator-admin";
const ORG: &str = "acme";
/// The user whose packages the user families act on.
const OWNER: &str = "alice";
const ALL_SCOPES: [&str; 4] = ["read:packages", "write:packages", "delete:packages", "repo"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `/orgs/acme/...`
    Org,
    /// `/users/alice/...`
    Users,
    /// `/user/...` (the token's own packages)
    Me,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Conflicts,
    ListPackages,
    GetPackage,
    DeletePackage,
    RestorePackage,
    ListVersions,
    GetVersion,
    DeleteVersion,
    RestoreVersion,
}

const OPS: [Op; 9] = [
    Op::Conflicts,
    Op::ListPackages,
    Op::GetPackage,
    Op::DeletePackage,
    Op::RestorePackage,
    Op::ListVersions,
    Op::GetVersion,
    Op::DeleteVersion,
    Op::RestoreVersion,
];

impl Op {
    fn action(self) -> Option<&'static str> {
        match self {
            Op::DeletePackage | Op::DeleteVersion => Some("delete:packages"),
            Op::RestorePackage | Op::RestoreVersion => Some("write:packages"),
            _ => None,
        }
    }

    fn is_package_op(self) -> bool {
        !matches!(self, Op::Conflicts | Op::ListPackages)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    NoToken,
    BadToken,
    /// `alice`, owner of the user packages, every scope.
    Owner,
    /// `bob`, another user, not in the organization, every scope.
    OtherUser,
    /// `dave`, a plain member of `acme`, every scope.
    OrgMember,
    /// `carol`, admin of `acme`, every scope.
    OrgAdmin,
    /// The caller who would succeed (the org admin for org operations, the
    /// owner otherwise) with a token lacking one scope.
    Missing(&'static str),
}

const CALLERS: [Caller; 10] = [
    Caller::NoToken,
    Caller::BadToken,
    Caller::Owner,
    Caller::OtherUser,
    Caller::OrgMember,
    Caller::OrgAdmin,
    Caller::Missing("read:packages"),
    Caller::Missing("write:packages"),
    Caller::Missing("delete:packages"),
    Caller::Missing("repo"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vis {
    Public,
    Private,
}

impl Vis {
    fn tag(self) -> &'static str {
        match self {
            Vis::Public => "pub",
            Vis::Private => "priv",
        }
    }
}

const TYPES: [&str; 2] = ["npm", "maven"];

/// Scopes of the token missing `scope`. A token without `read:packages`
/// has no `write:packages` either: GitHub grants read with write.
fn scopes_without(scope: &str) -> Vec<&'static str> {
    ALL_SCOPES
        .iter()
        .copied()
        .filter(|s| *s != scope && !(scope == "read:packages" && *s == "write:packages"))
        .collect()
}

fn token(login: &str, missing: Option<&str>) -> String {
    match missing {
        None => format!("ghp_matrix_{login}"),
        Some(scope) => format!("ghp_matrix_{login}_no_{}", scope.replace(':', "_")),
    }
}

#[derive(Clone, Copy)]
struct Cell {
    family: Family,
    op: Op,
    caller: Caller,
    vis: Vis,
    package_type: &'static str,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} {:?} by {:?} on a {:?} {} package",
            self.family, self.op, self.caller, self.vis, self.package_type
        )
    }
}

impl Cell {
    /// The user behind the caller's token, if any.
    fn login(&self) -> Option<&'static str> {
        match self.caller {
            Caller::NoToken | Caller::BadToken => None,
            Caller::Owner => Some(OWNER),
            Caller::OtherUser => Some("bob"),
            Caller::OrgMember => Some("dave"),
            Caller::OrgAdmin => Some("carol"),
            Caller::Missing(_) => Some(self.entitled()),
        }
    }

    /// Who may do everything in this family.
    fn entitled(&self) -> &'static str {
        match self.family {
            Family::Org => "carol",
            Family::Users | Family::Me => OWNER,
        }
    }

    fn token(&self) -> Option<String> {
        match self.caller {
            Caller::NoToken => None,
            Caller::BadToken => Some("ghp_matrix_nobody_knows_this".to_owned()),
            Caller::Missing(scope) => Some(token(self.entitled(), Some(scope))),
            _ => self.login().map(|login| token(login, None)),
        }
    }

    fn scopes(&self) -> Vec<&'static str> {
        match self.caller {
            Caller::Missing(scope) => scopes_without(scope),
            _ => ALL_SCOPES.to_vec(),
        }
    }

    fn required_scopes(&self) -> Vec<&'static str> {
        let mut scopes = vec!["read:packages"];
        scopes.extend(self.op.action());
        // The Docker-conflict list names no registry.
        if self.package_type == "maven" && self.op != Op::Conflicts {
            scopes.push("repo");
        }
        scopes
    }

    fn may_see_private(&self) -> bool {
        match (self.family, self.login()) {
            (Family::Org, Some(login)) => login == "carol" || login == "dave",
            (Family::Users | Family::Me, Some(login)) => login == OWNER,
            (_, None) => false,
        }
    }

    fn is_admin(&self) -> bool {
        match (self.family, self.login()) {
            (Family::Org, Some(login)) => login == "carol",
            (Family::Users | Family::Me, Some(login)) => login == OWNER,
            (_, None) => false,
        }
    }

    /// GitHub's status for this cell, and whether a 404 hides a package that
    /// exists.
    fn expected(&self) -> (u16, bool) {
        match self.caller {
            Caller::BadToken => return (401, false),
            Caller::NoToken if self.op == Op::Conflicts && self.family != Family::Me => {
                return (200, false)
            }
            Caller::NoToken => return (401, false),
            _ => {}
        }
        let granted = self.scopes();
        let has = |scope: &str| {
            granted.contains(&scope)
                || (scope == "read:packages" && granted.contains(&"write:packages"))
        };
        if !self.required_scopes().iter().all(|s| has(s)) {
            return (403, false);
        }
        if !self.op.is_package_op() {
            return (200, false);
        }
        // `/user/...` names the caller's own namespace, where only alice
        // has these packages.
        if self.family == Family::Me && self.login() != Some(OWNER) {
            return (404, false);
        }
        if self.vis == Vis::Private && !self.may_see_private() {
            return (404, true);
        }
        match self.op {
            Op::GetPackage | Op::ListVersions | Op::GetVersion => (200, false),
            _ if !self.is_admin() => (403, false),
            _ => (204, false),
        }
    }

    fn prefix(&self) -> String {
        match self.family {
            Family::Org => format!("/orgs/{ORG}"),
            Family::Users => format!("/users/{OWNER}"),
            Family::Me => "/user".to_owned(),
        }
    }

    fn owner_index(&self) -> i64 {
        match self.family {
            Family::Org => 2,
            Family::Users | Family::Me => 1,
        }
    }

    /// The live package of the cell, or the deleted one for package restores.
    fn package_name(&self) -> String {
        let name = format!("{}-{}", self.vis.tag(), self.package_type);
        if self.op == Op::RestorePackage {
            format!("gone-{name}")
        } else {
            name
        }
    }

    fn package_id(&self) -> i64 {
        package_id(
            self.owner_index(),
            self.package_type,
            self.vis,
            self.op == Op::RestorePackage,
        )
    }

    /// An active version, or the deleted one for version restores.
    fn version_id(&self) -> i64 {
        let which = if self.op == Op::RestoreVersion { 4 } else { 1 };
        self.package_id() * 10 + which
    }

    fn request(&self, package_name: &str) -> (Method, String) {
        let prefix = self.prefix();
        let package = format!("{prefix}/packages/{}/{package_name}", self.package_type);
        let version = format!("{package}/versions/{}", self.version_id());
        match self.op {
            Op::Conflicts => (Method::GET, format!("{prefix}/docker/conflicts")),
            Op::ListPackages => (
                Method::GET,
                format!(
                    "{prefix}/packages?package_type={}&per_page=100",
                    self.package_type
                ),
            ),
            Op::GetPackage => (Method::GET, package),
            Op::DeletePackage => (Method::DELETE, package),
            Op::RestorePackage => (Method::POST, format!("{package}/restore")),
            Op::ListVersions => (Method::GET, format!("{package}/versions?per_page=100")),
            Op::GetVersion => (Method::GET, version),
            Op::DeleteVersion => (Method::DELETE, version),
            Op::RestoreVersion => (Method::POST, format!("{version}/restore")),
        }
    }
}

fn package_id(owner: i64, package_type: &str, vis: Vis, deleted: bool) -> i64 {
    let kind = if package_type == "npm" { 1 } else { 2 };
    let vis = match vis {
        Vis::Public => 1,
        Vis::Private => 2,
    };
    owner * 1000 + kind * 100 + vis * 10 + i64::from(deleted)
}

fn fixture() -> Fixture {
    let yesterday = (Utc::now() - Duration::days(1)).to_rfc3339();
    let mut tokens = Vec::new();
    for login in [OWNER, "bob", "carol", "dave"] {
        tokens.push(json!({"token": token(login, None), "user": login, "scopes": ALL_SCOPES}));
    }
    for login in [OWNER, "carol"] {
        for scope in ALL_SCOPES {
            tokens.push(json!({
                "token": token(login, Some(scope)), "user": login, "scopes": scopes_without(scope)
            }));
        }
    }
    let mut packages = Vec::new();
    for (index, owner) in [(1, OWNER), (2, ORG)] {
        for package_type in TYPES {
            for vis in [Vis::Public, Vis::Private] {
                let visibility = match vis {
                    Vis::Public => "public",
                    Vis::Private => "private",
                };
                for deleted in [false, true] {
                    let id = package_id(index, package_type, vis, deleted);
                    let mut versions: Vec<Value> = (1..=3)
                        .map(|n| {
                            json!({"id": id * 10 + n, "name": format!("1.0.{n}"),
                                   "created_at": format!("2025-0{n}-01T00:00:00Z")})
                        })
                        .collect();
                    versions.push(json!({"id": id * 10 + 4, "name": "0.9.0",
                                         "created_at": "2024-12-01T00:00:00Z",
                                         "deleted_at": yesterday}));
                    let name = format!("{}-{package_type}", vis.tag());
                    packages.push(json!({
                        "owner": owner, "package_type": package_type, "id": id,
                        "name": if deleted { format!("gone-{name}") } else { name },
                        "visibility": visibility,
                        "docker_migration_conflict": !deleted,
                        "deleted_at": if deleted { Value::String(yesterday.clone()) } else { Value::Null },
                        "versions": versions,
                    }));
                }
            }
        }
    }
    let fixture = json!({
        "users": [{"login": OWNER}, {"login": "bob"}, {"login": "carol"}, {"login": "dave"}],
        "orgs": [{"login": ORG, "members": [{"login": "carol", "role": "admin"},
                                            {"login": "dave", "role": "member"}]}],
        "tokens": tokens,
        "packages": packages,
    });
    Fixture::from_json(&fixture.to_string()).expect("the matrix fixture is valid")
}

struct Env {
    emulator: RunningEmulator,
    http: Client,
}

struct Answer {
    status: u16,
    body: Value,
}

impl Env {
    async fn start() -> Env {
        let emulator = Emulator::start(EmulatorConfig {
            fixture: Some(fixture()),
            limits: LimitsConfig::disabled(),
            ..EmulatorConfig::default()
        })
        .await
        .expect("the emulator starts");
        Env {
            emulator,
            http: Client::new(),
        }
    }

    async fn send(&self, method: Method, path: &str, token: Option<&str>) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.emulator.base_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body read");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        Answer { status, body }
    }

    /// Puts the cell's target back as it was after a successful change.
    async fn undo(&self, cell: &Cell) {
        let owner_token = token(cell.entitled(), None);
        let mut undo = *cell;
        undo.caller = if cell.family == Family::Org {
            Caller::OrgAdmin
        } else {
            Caller::Owner
        };
        undo.op = match cell.op {
            Op::DeletePackage => Op::RestorePackage,
            Op::RestorePackage => Op::DeletePackage,
            Op::DeleteVersion => Op::RestoreVersion,
            Op::RestoreVersion => Op::DeleteVersion,
            _ => return,
        };
        let (method, path) = undo.request(&cell.package_name());
        let path = path.replace(
            &format!("/versions/{}", undo.version_id()),
            &format!("/versions/{}", cell.version_id()),
        );
        let answer = self.send(method, &path, Some(&owner_token)).await;
        assert_eq!(answer.status, 204, "undoing {cell}: {}", answer.body);
    }
}

/// The names in a list answer.
fn names(body: &Value) -> Vec<String> {
    body.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// What a 200 list must and must not show the caller.
fn check_list(cell: &Cell, body: &Value) {
    let names = names(body);
    let own_namespace = cell.family != Family::Me || cell.login() == Some(OWNER);
    let types: Vec<&str> = if cell.op == Op::Conflicts {
        TYPES.to_vec()
    } else {
        vec![cell.package_type]
    };
    for package_type in types {
        for vis in [Vis::Public, Vis::Private] {
            let name = format!("{}-{package_type}", vis.tag());
            let visible = own_namespace && (vis == Vis::Public || cell.may_see_private());
            assert_eq!(
                names.contains(&name),
                visible,
                "{cell}: {name} listed: {names:?}"
            );
        }
    }
    assert!(
        names.iter().all(|name| !name.starts_with("gone-")),
        "{cell}: a deleted package listed: {names:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_caller_and_visibility() {
    let env = Env::start().await;
    let mut cells = 0;
    let mut operations = Vec::new();
    for family in [Family::Org, Family::Users, Family::Me] {
        for op in OPS {
            operations.push((family, op));
            for caller in CALLERS {
                for vis in [Vis::Public, Vis::Private] {
                    for package_type in TYPES {
                        let cell = Cell {
                            family,
                            op,
                            caller,
                            vis,
                            package_type,
                        };
                        check_cell(&env, &cell).await;
                        cells += 1;
                    }
                }
            }
        }
    }
    assert_eq!(operations.len(), 27, "the 27 operations");
    assert_eq!(cells, 27 * CALLERS.len() * 2 * TYPES.len());
    env.emulator.shutdown().await;
}

async fn check_cell(env: &Env, cell: &Cell) {
    let (expected, hidden) = cell.expected();
    let token = cell.token();
    let (method, path) = cell.request(&cell.package_name());
    let answer = env.send(method.clone(), &path, token.as_deref()).await;
    assert_eq!(
        answer.status, expected,
        "{cell}: {method} {path}: {}",
        answer.body
    );
    match answer.status {
        200 if cell.op.is_package_op() => {
            if cell.op == Op::ListVersions {
                assert_eq!(names(&answer.body).len(), 3, "{cell}: active versions");
            }
        }
        200 => check_list(cell, &answer.body),
        204 => env.undo(cell).await,
        _ => {
            let message = answer.body["message"].as_str().unwrap_or_default();
            assert!(!message.is_empty(), "{cell}: no message: {}", answer.body);
        }
    }
    if hidden {
        // The private package must look exactly like one that does not exist.
        let (method, path) = cell.request(&format!("no-such-{}", cell.package_type));
        let absent = env.send(method, &path, token.as_deref()).await;
        assert_eq!(absent.status, 404, "{cell}: absent package");
        assert_eq!(
            absent.body["message"], answer.body["message"],
            "{cell}: a hidden package answers differently from an absent one"
        );
    }
}

/// The admin API: every route refuses a missing token, an unknown token and
/// a user's API token with 401, and changes nothing; only health is open.
#[tokio::test]
async fn admin_api_refuses_requests_without_the_admin_token() {
    let env = Env::start().await;
    let body = json!({"login": "mallory"});
    let routes = [
        (Method::POST, "/_emulator/fixture"),
        (Method::POST, "/_emulator/reset"),
        (Method::POST, "/_emulator/reset?fixture=demo"),
        (Method::POST, "/_emulator/users"),
        (Method::POST, "/_emulator/orgs"),
        (Method::POST, "/_emulator/tokens"),
        (Method::POST, "/_emulator/repositories"),
        (Method::POST, "/_emulator/packages"),
        (
            Method::POST,
            "/_emulator/packages/alice/npm/pub-npm/versions",
        ),
        (Method::GET, "/_emulator/clock"),
        (Method::POST, "/_emulator/clock/advance"),
        (Method::GET, "/_emulator/limits"),
        (Method::PUT, "/_emulator/limits"),
        (Method::GET, "/_emulator/faults"),
        (Method::PUT, "/_emulator/faults"),
        (Method::DELETE, "/_emulator/faults"),
    ];
    let user_token = token(OWNER, None);
    let credentials: [Option<String>; 4] = [
        None,
        Some("Bearer not-the-admin-token".to_owned()),
        Some(format!("Bearer {user_token}")),
        Some(format!("Basic {ADMIN}")),
    ];
    for (method, path) in &routes {
        for credential in &credentials {
            let mut request = env
                .http
                .request(method.clone(), format!("{}{path}", env.emulator.base_url()))
                .json(&body);
            if let Some(credential) = credential {
                request = request.header("authorization", credential);
            }
            let response = request.send().await.expect("request sent");
            assert_eq!(
                response.status().as_u16(),
                401,
                "{method} {path} with {credential:?}"
            );
        }
    }
    let health = env.send(Method::GET, "/_emulator/health", None).await;
    assert_eq!(health.status, 200);
    // Nothing was reset, created or moved.
    let listed = env
        .send(
            Method::GET,
            "/user/packages?package_type=npm",
            Some(&user_token),
        )
        .await;
    assert_eq!(names(&listed.body), ["pub-npm", "priv-npm"]);
    let mallory = env
        .send(
            Method::GET,
            "/users/mallory/packages?package_type=npm",
            Some(&user_token),
        )
        .await;
    assert_eq!(
        mallory.status, 404,
        "a user was created without the admin token"
    );
    let clock = env.send(Method::GET, "/_emulator/clock", Some(ADMIN)).await;
    assert_eq!(clock.status, 200);
    let offset = clock.body["offset_seconds"].as_f64().expect("offset");
    assert!(offset.abs() < 1.0, "the clock moved: {}", clock.body);
    env.emulator.shutdown().await;
}
