//! JSON shapes of the API (`package`, `package-version`, `simple-user`,
//! `minimal-repository`), with every URL built from the server's own address.
//!
//! The answers are written straight into a buffer: they are mostly URLs
//! whose parts are known to need no JSON escaping (logins and repository
//! names are validated on load, package names are percent-encoded, the base
//! URL is checked), so only free text goes through the escaper. This is the
//! hot path of the emulator.

use std::fmt::{self, Display, Write};

use chrono::{TimeZone, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::store::{Account, Package, Repository, Version};
use crate::types::{AccountKind, PackageType};

/// Characters escaped in a package name used as one path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'\\')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A package name as one URL path segment (`a/b` → `a%2Fb`).
pub fn segment(name: &str) -> impl Display + '_ {
    utf8_percent_encode(name, SEGMENT)
}

/// The addresses URLs are built from.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a> {
    /// `http://host:port`: web pages (`html_url`) and avatars.
    pub root: &'a str,
    /// `root` plus the API prefix (`""` or `/api/v3`).
    pub api: &'a str,
}

/// An RFC 3339 timestamp in whole seconds, as GitHub writes them.
pub struct Time(pub i64);

impl Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        match Utc.timestamp_opt(self.0, 0).single() {
            Some(t) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            None => f.write_str("1970-01-01T00:00:00Z"),
        }
    }
}

/// GitHub's legacy global node id: base64 of `"0<len>:<Type><id>"`.
struct NodeId<'a>(&'a str, i64);

impl Display for NodeId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = format!("0{}:{}{}", self.0.len(), self.0, self.1);
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for chunk in raw.as_bytes().chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    let index = ((n >> (18 - 6 * i)) & 63) as usize;
                    f.write_char(char::from(ALPHABET[index]))?;
                } else {
                    f.write_char('=')?;
                }
            }
        }
        Ok(())
    }
}

/// Whether a string can be written inside a JSON string as is.
pub fn needs_no_escaping(text: &str) -> bool {
    text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// A JSON document being written.
#[derive(Default)]
pub struct Json {
    buf: String,
    /// Whether the next member or element needs a comma first.
    comma: bool,
}

impl Json {
    /// The written bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf.into_bytes()
    }

    fn separate(&mut self) {
        if self.comma {
            self.buf.push(',');
        }
        self.comma = true;
    }

    fn key(&mut self, key: &str) {
        self.separate();
        self.buf.push('"');
        self.buf.push_str(key);
        self.buf.push_str("\":");
    }

    /// `[`, then elements written by `item`, then `]`.
    pub fn array<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Json, &T)) {
        self.buf.push('[');
        self.comma = false;
        for value in items {
            self.separate();
            self.comma = false;
            item(self, value);
            self.comma = true;
        }
        self.buf.push(']');
        self.comma = true;
    }

    pub(crate) fn object(&mut self, fields: impl FnOnce(&mut Json)) {
        self.buf.push('{');
        self.comma = false;
        fields(self);
        self.buf.push('}');
        self.comma = true;
    }

    pub(crate) fn member_object(&mut self, key: &str, fields: impl FnOnce(&mut Json)) {
        self.key(key);
        self.comma = false;
        self.object(fields);
    }

    /// A string member, escaped.
    pub(crate) fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        escape_into(&mut self.buf, value);
    }

    /// An optional string member: `null` when absent.
    pub(crate) fn opt_text(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(value) => self.text(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// A string member made of parts that need no escaping.
    pub(crate) fn safe(&mut self, key: &str, value: impl Display) {
        self.key(key);
        let _ = write!(self.buf, "\"{value}\"");
    }

    /// A number, boolean or `null`.
    pub(crate) fn raw(&mut self, key: &str, value: impl Display) {
        self.key(key);
        let _ = write!(self.buf, "{value}");
    }

    pub(crate) fn strings(&mut self, key: &str, values: &[String]) {
        self.key(key);
        self.buf.push('[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            escape_into(&mut self.buf, value);
        }
        self.buf.push(']');
    }
}

fn escape_into(buf: &mut String, text: &str) {
    buf.push('"');
    if needs_no_escaping(text) {
        buf.push_str(text);
    } else {
        for c in text.chars() {
            match c {
                '"' => buf.push_str("\\\""),
                '\\' => buf.push_str("\\\\"),
                '\n' => buf.push_str("\\n"),
                '\r' => buf.push_str("\\r"),
                '\t' => buf.push_str("\\t"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(buf, "\\u{:04x}", u32::from(c));
                }
                c => buf.push(c),
            }
        }
    }
    buf.push('"');
}

/// Something with a JSON shape.
pub trait Render {
    /// Writes the value.
    fn render(&self, out: &mut Json);
}

impl<T: Render> Render for [T] {
    fn render(&self, out: &mut Json) {
        out.array(self, |out, item| item.render(out));
    }
}

/// The JSON text of a value.
pub fn to_json<T: Render + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Json {
        buf: String::with_capacity(4096),
        comma: false,
    };
    value.render(&mut out);
    out.into_bytes()
}

/// The `simple-user` object of an account.
pub(crate) fn owner(out: &mut Json, key: &str, a: &Account, urls: Urls<'_>) {
    let api = urls.api;
    let login = a.login.as_str();
    out.member_object(key, |m| {
        m.text("login", login);
        m.raw("id", a.id);
        m.safe("node_id", NodeId(a.kind.as_str(), a.id));
        m.safe(
            "avatar_url",
            format_args!("{}/avatars/u/{}?v=4", urls.root, a.id),
        );
        m.raw("gravatar_id", "\"\"");
        m.safe("url", format_args!("{api}/users/{login}"));
        m.safe("html_url", format_args!("{}/{login}", urls.root));
        for (key, suffix) in [
            ("followers_url", "/followers"),
            ("following_url", "/following{/other_user}"),
            ("gists_url", "/gists{/gist_id}"),
            ("starred_url", "/starred{/owner}{/repo}"),
            ("subscriptions_url", "/subscriptions"),
            ("organizations_url", "/orgs"),
            ("repos_url", "/repos"),
            ("events_url", "/events{/privacy}"),
            ("received_events_url", "/received_events"),
        ] {
            m.safe(key, format_args!("{api}/users/{login}{suffix}"));
        }
        m.text("type", a.kind.as_str());
        m.raw("site_admin", a.site_admin);
    });
}

const REPO_URLS: &[(&str, &str)] = &[
    ("forks_url", "/forks"),
    ("keys_url", "/keys{/key_id}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("teams_url", "/teams"),
    ("hooks_url", "/hooks"),
    ("issue_events_url", "/issues/events{/number}"),
    ("events_url", "/events"),
    ("assignees_url", "/assignees{/user}"),
    ("branches_url", "/branches{/branch}"),
    ("tags_url", "/tags"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("trees_url", "/git/trees{/sha}"),
    ("statuses_url", "/statuses/{sha}"),
    ("languages_url", "/languages"),
    ("stargazers_url", "/stargazers"),
    ("contributors_url", "/contributors"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("commits_url", "/commits{/sha}"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("comments_url", "/comments{/number}"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("contents_url", "/contents/{+path}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("merges_url", "/merges"),
    ("archive_url", "/{archive_format}{/ref}"),
    ("downloads_url", "/downloads"),
    ("issues_url", "/issues{/number}"),
    ("pulls_url", "/pulls{/number}"),
    ("milestones_url", "/milestones{/number}"),
    (
        "notifications_url",
        "/notifications{?since,all,participating}",
    ),
    ("labels_url", "/labels{/name}"),
    ("releases_url", "/releases{/id}"),
    ("deployments_url", "/deployments"),
];

/// The `minimal-repository` object of a package's repository.
fn repository(out: &mut Json, r: &Repository, owner_account: &Account, urls: Urls<'_>) {
    let owner_login = owner_account.login.as_str();
    let name = r.name.as_str();
    let api = urls.api;
    out.member_object("repository", |m| {
        m.raw("id", r.id);
        m.safe("node_id", NodeId("Repository", r.id));
        m.text("name", name);
        m.safe("full_name", format_args!("{owner_login}/{name}"));
        m.raw("private", r.private);
        owner(m, "owner", owner_account, urls);
        m.safe(
            "html_url",
            format_args!("{}/{owner_login}/{name}", urls.root),
        );
        m.opt_text("description", r.description.as_deref());
        m.raw("fork", false);
        m.safe("url", format_args!("{api}/repos/{owner_login}/{name}"));
        for (key, suffix) in REPO_URLS {
            m.safe(
                key,
                format_args!("{api}/repos/{owner_login}/{name}{suffix}"),
            );
        }
    });
}

/// The API URL of a package.
pub fn package_url<'a>(p: &'a Package, urls: Urls<'a>) -> impl Display + 'a {
    PackageUrl(p, urls)
}

struct PackageUrl<'a>(&'a Package, Urls<'a>);

impl Display for PackageUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        write!(
            f,
            "{}/{}/{}/packages/{}/{}",
            self.1.api,
            p.owner.kind.route(),
            p.owner.login,
            p.package_type,
            segment(&p.name)
        )
    }
}

/// The web URL of a package: under the repository when linked (and not a
/// container), else under the owner's packages.
struct PackageHtml<'a>(&'a Package, Urls<'a>);

impl Display for PackageHtml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        let root = self.1.root;
        match (&p.repository, p.package_type) {
            (Some(repo), t) if t != PackageType::Container => {
                write!(
                    f,
                    "{root}/{}/{}/packages/{}",
                    p.owner.login, repo.name, p.id
                )
            }
            _ => write!(
                f,
                "{root}/{}{}/packages/{}/package/{}",
                owner_web_prefix(p.owner.kind),
                p.owner.login,
                p.package_type,
                segment(&p.name)
            ),
        }
    }
}

fn owner_web_prefix(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Organization => "orgs/",
        AccountKind::User => "users/",
    }
}

/// The `package` object.
pub struct PackageJson<'a> {
    /// The package.
    pub package: &'a Package,
    /// Addresses.
    pub urls: Urls<'a>,
}

impl Render for PackageJson<'_> {
    fn render(&self, out: &mut Json) {
        let p = self.package;
        let urls = self.urls;
        out.object(|m| {
            m.raw("id", p.id);
            m.text("name", &p.name);
            m.text("package_type", p.package_type.as_str());
            owner(m, "owner", &p.owner, urls);
            m.raw("version_count", p.version_count);
            m.text("visibility", p.visibility.as_str());
            m.safe("url", package_url(p, urls));
            m.safe("created_at", Time(p.created_at));
            m.safe("updated_at", Time(p.updated_at));
            if let Some(repo) = &p.repository {
                repository(m, repo, &p.owner, urls);
            }
            m.safe("html_url", PackageHtml(p, urls));
        });
    }
}

/// What every version of one package shares in its JSON, computed once per
/// answer rather than once per version.
pub struct VersionContext<'a> {
    package: &'a Package,
    /// `.../packages/{type}/{name}`.
    package_url: String,
    /// The package's web page.
    package_html: String,
    /// The prefix of version web pages that end in `/{id}`, for containers
    /// and packages without a repository; `None` for `?version=` pages.
    html_by_id: Option<String>,
}

impl<'a> VersionContext<'a> {
    /// The shared parts for `package`.
    pub fn new(package: &'a Package, urls: Urls<'_>) -> Self {
        let p = package;
        let html_by_id =
            (p.package_type == PackageType::Container || p.repository.is_none()).then(|| {
                format!(
                    "{}/{}{}/packages/{}/{}/",
                    urls.root,
                    owner_web_prefix(p.owner.kind),
                    p.owner.login,
                    p.package_type,
                    segment(&p.name)
                )
            });
        VersionContext {
            package,
            package_url: package_url(p, urls).to_string(),
            package_html: PackageHtml(p, urls).to_string(),
            html_by_id,
        }
    }
}

/// The `package-version` object.
pub struct VersionJson<'a> {
    /// What the package's versions share.
    pub context: &'a VersionContext<'a>,
    /// The version.
    pub version: &'a Version,
}

impl Render for VersionJson<'_> {
    fn render(&self, out: &mut Json) {
        let c = self.context;
        let p = c.package;
        let v = self.version;
        out.object(|m| {
            m.raw("id", v.id);
            m.text("name", &v.name);
            m.safe("url", format_args!("{}/versions/{}", c.package_url, v.id));
            m.safe("package_html_url", &c.package_html);
            if let Some(license) = &v.license {
                m.text("license", license);
            }
            m.safe("created_at", Time(v.created_at));
            m.safe("updated_at", Time(v.updated_at));
            if let Some(description) = &v.description {
                m.text("description", description);
            }
            if let Some(deleted) = v.deleted_at {
                m.safe("deleted_at", Time(deleted));
            }
            match &c.html_by_id {
                Some(prefix) => m.safe("html_url", format_args!("{prefix}{}", v.id)),
                None => m.safe(
                    "html_url",
                    format_args!("{}?version={}", c.package_html, segment(&v.name)),
                ),
            }
            m.member_object("metadata", |meta| {
                meta.text("package_type", p.package_type.as_str());
                match p.package_type {
                    PackageType::Container => {
                        meta.member_object("container", |c| c.strings("tags", &v.tags));
                    }
                    // GitHub names the property `tag` while its schema requires `tags`.
                    PackageType::Docker => meta.member_object("docker", |d| {
                        d.strings("tag", &v.tags);
                        d.strings("tags", &v.tags);
                    }),
                    _ => {}
                }
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_match_githubs_encoding() {
        assert_eq!(
            NodeId("Organization", 9919).to_string(),
            "MDEyOk9yZ2FuaXphdGlvbjk5MTk="
        );
        assert_eq!(NodeId("User", 209477).to_string(), "MDQ6VXNlcjIwOTQ3Nw==");
        assert_eq!(
            NodeId("Repository", 216219492).to_string(),
            "MDEwOlJlcG9zaXRvcnkyMTYyMTk0OTI="
        );
    }

    #[test]
    fn times_are_whole_seconds_in_utc() {
        assert_eq!(Time(1589926751).to_string(), "2020-05-19T22:19:11Z");
    }

    #[test]
    fn free_text_is_escaped_and_output_is_valid_json() {
        let mut out = Json::default();
        out.object(|m| {
            m.text("a", "quote \" back \\ nl \n bell \u{7} é");
            m.opt_text("b", None);
            m.strings("c", &["x\"y".to_owned(), "z".to_owned()]);
        });
        let value: serde_json::Value = serde_json::from_slice(&out.into_bytes()).unwrap();
        assert_eq!(value["a"], "quote \" back \\ nl \n bell \u{7} é");
        assert!(value["b"].is_null());
        assert_eq!(value["c"][0], "x\"y");
        assert!(needs_no_escaping("http://h/orgs/o/packages/npm/a%2Fb"));
        assert!(!needs_no_escaping("a\"b"));
    }

    #[test]
    fn names_with_slashes_become_one_segment() {
        assert_eq!(
            segment("octo-org/base image").to_string(),
            "octo-org%2Fbase%20image"
        );
        assert_eq!(segment("@scope/pkg").to_string(), "@scope%2Fpkg");
        assert!(needs_no_escaping(&segment("a\"b\\c\u{1}").to_string()));
    }
}
