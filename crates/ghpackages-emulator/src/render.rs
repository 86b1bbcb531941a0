//! JSON shapes of the API (`package`, `package-version`, `simple-user`,
//! `minimal-repository`), with every URL built from the server's own address.

use std::fmt::{self, Display};

use chrono::{TimeZone, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::store::{Account, Package, Repository, Version};
use crate::types::{AccountKind, PackageType};

/// Characters escaped in a package name used as one path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
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
        match Utc.timestamp_opt(self.0, 0).single() {
            Some(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
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
                    write!(f, "{}", ALPHABET[index] as char)?;
                } else {
                    f.write_str("=")?;
                }
            }
        }
        Ok(())
    }
}

/// The `simple-user` object of an account.
pub struct Owner<'a> {
    /// The account.
    pub account: &'a Account,
    /// Addresses.
    pub urls: Urls<'a>,
}

impl Serialize for Owner<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.account;
        let api = self.urls.api;
        let login = a.login.as_str();
        let user = format_args!("{api}/users/{login}");
        let mut m = s.serialize_map(Some(18))?;
        m.serialize_entry("login", login)?;
        m.serialize_entry("id", &a.id)?;
        m.serialize_entry("node_id", &collect(NodeId(a.kind.as_str(), a.id)))?;
        m.serialize_entry(
            "avatar_url",
            &collect(format_args!("{}/avatars/u/{}?v=4", self.urls.root, a.id)),
        )?;
        m.serialize_entry("gravatar_id", "")?;
        m.serialize_entry("url", &collect(user))?;
        m.serialize_entry(
            "html_url",
            &collect(format_args!("{}/{login}", self.urls.root)),
        )?;
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
            m.serialize_entry(key, &collect(format_args!("{api}/users/{login}{suffix}")))?;
        }
        m.serialize_entry("type", a.kind.as_str())?;
        m.serialize_entry("site_admin", &a.site_admin)?;
        m.end()
    }
}

/// Serializes anything `Display` as a JSON string without an intermediate `String`.
fn collect<T: Display>(value: T) -> Collect<T> {
    Collect(value)
}

struct Collect<T>(T);

impl<T: Display> Serialize for Collect<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

struct Repo<'a> {
    repo: &'a Repository,
    owner: &'a Account,
    urls: Urls<'a>,
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

impl Serialize for Repo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.repo;
        let owner = self.owner.login.as_str();
        let name = r.name.as_str();
        let api = self.urls.api;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &r.id)?;
        m.serialize_entry("node_id", &collect(NodeId("Repository", r.id)))?;
        m.serialize_entry("name", name)?;
        m.serialize_entry("full_name", &collect(format_args!("{owner}/{name}")))?;
        m.serialize_entry("private", &r.private)?;
        m.serialize_entry(
            "owner",
            &Owner {
                account: self.owner,
                urls: self.urls,
            },
        )?;
        m.serialize_entry(
            "html_url",
            &collect(format_args!("{}/{owner}/{name}", self.urls.root)),
        )?;
        m.serialize_entry("description", &r.description)?;
        m.serialize_entry("fork", &false)?;
        m.serialize_entry("url", &collect(format_args!("{api}/repos/{owner}/{name}")))?;
        for (key, suffix) in REPO_URLS {
            m.serialize_entry(
                key,
                &collect(format_args!("{api}/repos/{owner}/{name}{suffix}")),
            )?;
        }
        m.end()
    }
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

impl Serialize for PackageJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.package;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &p.id)?;
        m.serialize_entry("name", &p.name)?;
        m.serialize_entry("package_type", p.package_type.as_str())?;
        m.serialize_entry(
            "owner",
            &Owner {
                account: &p.owner,
                urls: self.urls,
            },
        )?;
        m.serialize_entry("version_count", &p.version_count)?;
        m.serialize_entry("visibility", p.visibility.as_str())?;
        m.serialize_entry("url", &collect(package_url(p, self.urls)))?;
        m.serialize_entry("created_at", &collect(Time(p.created_at)))?;
        m.serialize_entry("updated_at", &collect(Time(p.updated_at)))?;
        if let Some(repo) = &p.repository {
            m.serialize_entry(
                "repository",
                &Repo {
                    repo,
                    owner: &p.owner,
                    urls: self.urls,
                },
            )?;
        }
        m.serialize_entry("html_url", &collect(PackageHtml(p, self.urls)))?;
        m.end()
    }
}

/// The `package-version` object.
pub struct VersionJson<'a> {
    /// The package the version belongs to.
    pub package: &'a Package,
    /// The version.
    pub version: &'a Version,
    /// Addresses.
    pub urls: Urls<'a>,
}

struct Metadata<'a>(PackageType, &'a [String]);

impl Serialize for Metadata<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("package_type", self.0.as_str())?;
        match self.0 {
            PackageType::Container => {
                m.serialize_entry("container", &Tags(&[("tags", self.1)]))?;
            }
            // GitHub names the property `tag` while its schema requires `tags`.
            PackageType::Docker => {
                m.serialize_entry("docker", &Tags(&[("tag", self.1), ("tags", self.1)]))?;
            }
            _ => {}
        }
        m.end()
    }
}

struct Tags<'a>(&'a [(&'a str, &'a [String])]);

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (key, tags) in self.0 {
            m.serialize_entry(key, tags)?;
        }
        m.end()
    }
}

impl Serialize for VersionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.package;
        let v = self.version;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &v.id)?;
        m.serialize_entry("name", &v.name)?;
        m.serialize_entry(
            "url",
            &collect(format_args!(
                "{}/versions/{}",
                package_url(p, self.urls),
                v.id
            )),
        )?;
        m.serialize_entry("package_html_url", &collect(PackageHtml(p, self.urls)))?;
        if let Some(license) = &v.license {
            m.serialize_entry("license", license)?;
        }
        m.serialize_entry("created_at", &collect(Time(v.created_at)))?;
        m.serialize_entry("updated_at", &collect(Time(v.updated_at)))?;
        if let Some(description) = &v.description {
            m.serialize_entry("description", description)?;
        }
        if let Some(deleted) = v.deleted_at {
            m.serialize_entry("deleted_at", &collect(Time(deleted)))?;
        }
        if p.package_type == PackageType::Container || p.repository.is_none() {
            m.serialize_entry(
                "html_url",
                &collect(format_args!(
                    "{}/{}{}/packages/{}/{}/{}",
                    self.urls.root,
                    owner_web_prefix(p.owner.kind),
                    p.owner.login,
                    p.package_type,
                    segment(&p.name),
                    v.id
                )),
            )?;
        } else {
            m.serialize_entry(
                "html_url",
                &collect(format_args!(
                    "{}?version={}",
                    PackageHtml(p, self.urls),
                    utf8_percent_encode(&v.name, SEGMENT)
                )),
            )?;
        }
        m.serialize_entry("metadata", &Metadata(p.package_type, &v.tags))?;
        m.end()
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
    fn names_with_slashes_become_one_segment() {
        assert_eq!(
            segment("octo-org/base image").to_string(),
            "octo-org%2Fbase%20image"
        );
        assert_eq!(segment("@scope/pkg").to_string(), "@scope%2Fpkg");
    }
}
