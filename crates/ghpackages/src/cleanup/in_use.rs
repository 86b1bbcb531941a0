//! What is in use: image references (`REGISTRY/OWNER/NAME:TAG`,
//! `REGISTRY/OWNER/NAME@sha256:…`) found in any text — Kubernetes
//! manifests, compose files, Helm values, workflows — or given one by one,
//! which a cleanup keeps with their manifest graph.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cleanup::plan::InUse;
use crate::error::{Error, Result};

/// A version in use: a tag or digest of a package, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepRef {
    /// The owner the reference names (any owner when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The package it names (every package of the run when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// A tag (`v1.2`) or a digest (`sha256:…`).
    pub reference: String,
    /// Where it was found: `FILE:LINE`, or the option that gave it.
    pub source: String,
}

impl KeepRef {
    /// A tag to keep in every package of a run; `source` says who asked.
    pub fn tag(tag: &str, source: &str) -> Result<KeepRef> {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            && !tag.starts_with(['.', '-']);
        if !valid {
            return Err(Error::invalid_input(
                "keep_tags",
                format!("{tag:?} is not a tag (letters, digits, _ . -; at most 128)"),
            ));
        }
        Ok(KeepRef {
            owner: None,
            package: None,
            reference: tag.to_owned(),
            source: source.to_owned(),
        })
    }

    /// A digest to keep in every package of a run; `source` says who asked.
    pub fn digest(digest: &str, source: &str) -> Result<KeepRef> {
        let sha256 = digest.strip_prefix("sha256:").is_some_and(|hex| {
            hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if !sha256 {
            return Err(Error::invalid_input(
                "keep_digests",
                format!("{digest:?} is not a manifest digest (sha256:<64 hex digits>)"),
            ));
        }
        Ok(KeepRef {
            owner: None,
            package: None,
            reference: digest.to_owned(),
            source: source.to_owned(),
        })
    }

    /// Whether the reference is about this owner's package (`None`: an
    /// owner not known by name, the authenticated user, whom any owner in a
    /// reference may be).
    pub(crate) fn names(&self, owner: Option<&str>, package: &str) -> bool {
        self.owner
            .as_deref()
            .zip(owner)
            .is_none_or(|(o, owner)| o.eq_ignore_ascii_case(owner))
            && self
                .package
                .as_deref()
                .is_none_or(|p| p.eq_ignore_ascii_case(package))
    }
}

/// The tags and digests of `refs` that name `owner`'s `package`.
pub(crate) fn in_use_by(refs: &[KeepRef], owner: &str, package: &str) -> Vec<InUse> {
    refs.iter()
        .filter(|r| r.names(Some(owner), package))
        .map(|r| InUse {
            reference: r.reference.clone(),
            source: r.source.clone(),
        })
        .collect()
}

/// Whether a tag or digest in use (`reference`) names the version called
/// `name` with `tags`: its digest, or one of its tags.
pub(crate) fn refers_to(reference: &str, name: &str, tags: &[String]) -> bool {
    reference == name || tags.iter().any(|tag| tag == reference)
}

/// The host (and port) of a registry URL, as image references spell it:
/// `https://ghcr.io` → `ghcr.io`, `http://127.0.0.1:8080` → `127.0.0.1:8080`.
pub fn registry_host(registry_url: &str) -> String {
    let rest = registry_url
        .split_once("://")
        .map_or(registry_url, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest).to_ascii_lowercase()
}

/// The image references to `registry` (a host as [`registry_host`] gives
/// it) in `text`, each with its `source` and line (`source:LINE`). A
/// reference carries a tag, a digest, or both (both are kept); references
/// to other registries, and names without either, are not references to a
/// version.
pub fn find_references(text: &str, registry: &str, source: &str) -> Vec<KeepRef> {
    let pattern = format!(
        r"(?i)(?:^|[^a-z0-9.\-])({})/([a-z0-9][a-z0-9._-]*)/([a-z0-9](?:[a-z0-9._/-]*[a-z0-9])?)(?::([a-z0-9_][a-z0-9_.-]{{0,127}}))?(?:@(sha256:[0-9a-f]{{64}}))?",
        regex::escape(registry)
    );
    let regex = regex::Regex::new(&pattern).expect("an escaped host makes a valid pattern");
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for captures in regex.captures_iter(line) {
            let owner = captures[2].to_owned();
            let package = captures[3].to_ascii_lowercase();
            let at = format!("{source}:{}", number + 1);
            for reference in [captures.get(4), captures.get(5)].into_iter().flatten() {
                found.push(KeepRef {
                    owner: Some(owner.clone()),
                    package: Some(package.clone()),
                    reference: reference.as_str().to_owned(),
                    source: at.clone(),
                });
            }
        }
    }
    found
}

/// The image references to `registry` in every file of `paths` (files, or
/// directories read recursively in name order, following symbolic links,
/// each directory once however many links lead to it; files holding a NUL
/// byte are taken for binary and skipped). A path that cannot be read is an
/// `invalid_input` error naming it.
pub fn read_references(paths: &[PathBuf], registry: &str) -> Result<Vec<KeepRef>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for path in paths {
        scan(path, registry, &mut seen, &mut found)?;
    }
    Ok(found)
}

/// Scans `path` into `found`; `seen` holds the directories read so far (by
/// canonical path), so that a symbolic link back up the tree (or to a
/// directory read already) is not followed again: each directory is read
/// once, under the first name met.
fn scan(
    path: &Path,
    registry: &str,
    seen: &mut BTreeSet<PathBuf>,
    found: &mut Vec<KeepRef>,
) -> Result<()> {
    let unreadable = |e: std::io::Error| {
        Error::invalid_input(
            "keep_refs_from",
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        if !seen.insert(std::fs::canonicalize(path).map_err(unreadable)?) {
            return Ok(());
        }
        let mut entries = std::fs::read_dir(path)
            .map_err(unreadable)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(unreadable)?;
        entries.sort();
        for entry in entries {
            scan(&entry, registry, seen, found)?;
        }
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    if bytes.contains(&0) {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&bytes);
    found.extend(find_references(
        &text,
        registry,
        &path.display().to_string(),
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_loop_is_read_once() {
        let root = std::env::temp_dir().join(format!(
            "ghpackages-in-use-loop-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("deploy")).unwrap();
        std::fs::write(
            root.join("deploy/app.yaml"),
            "image: ghcr.io/octo-org/app:v1\n",
        )
        .unwrap();
        // deploy/up -> .. and deploy/self -> . : loops, read once.
        std::os::unix::fs::symlink("..", root.join("deploy/up")).unwrap();
        std::os::unix::fs::symlink(".", root.join("deploy/self")).unwrap();
        let found = read_references(std::slice::from_ref(&root), "ghcr.io").unwrap();
        std::fs::remove_dir_all(&root).unwrap();
        let sources: Vec<&str> = found.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(
            sources,
            [format!("{}/deploy/app.yaml:1", root.display())],
            "{found:?}"
        );
    }

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn references_to_the_registry_by_tag_digest_or_both() {
        let text = format!(
            "image: ghcr.io/octo-org/app:v1.2\n\
             - ghcr.io/Octo-Org/team/api@{DIGEST} # pinned\n\
             x: \"ghcr.io/octo-org/app:v3@{DIGEST}\"\n\
             not: notghcr.io/octo-org/app:v9, docker.io/octo-org/app:v8\n\
             bare: ghcr.io/octo-org/app and ghcr.io/octo-org/app:\n"
        );
        let found = find_references(&text, "ghcr.io", "deploy.yaml");
        let summary: Vec<(&str, &str, &str, &str)> = found
            .iter()
            .map(|r| {
                (
                    r.owner.as_deref().unwrap(),
                    r.package.as_deref().unwrap(),
                    r.reference.as_str(),
                    r.source.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("octo-org", "app", "v1.2", "deploy.yaml:1"),
                ("Octo-Org", "team/api", DIGEST, "deploy.yaml:2"),
                ("octo-org", "app", "v3", "deploy.yaml:3"),
                ("octo-org", "app", DIGEST, "deploy.yaml:3"),
            ]
        );
        assert!(found[1].names(Some("octo-org"), "team/api"));
        assert!(!found[1].names(Some("octo-org"), "app"));
    }

    #[test]
    fn hosts_with_ports_and_flags_one_by_one() {
        assert_eq!(registry_host("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(registry_host("https://GHCR.io/"), "ghcr.io");
        let found = find_references(
            "127.0.0.1:8080/o/p:t 127.0.0.1:80800/o/p:u",
            "127.0.0.1:8080",
            "f",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reference, "t");
        assert!(KeepRef::tag("v1.0_rc-1", "--keep-tag").is_ok());
        for bad in ["", "-x", "a b", "a:b"] {
            let error = KeepRef::tag(bad, "--keep-tag").unwrap_err();
            assert_eq!(error.argument(), Some("keep_tags"), "{bad:?}");
        }
        assert!(KeepRef::digest(DIGEST, "--keep-digest").is_ok());
        let error = KeepRef::digest("sha256:abc", "--keep-digest").unwrap_err();
        assert_eq!(error.argument(), Some("keep_digests"));
    }
}
