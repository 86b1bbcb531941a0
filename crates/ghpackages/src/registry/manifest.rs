//! Manifests as the planner needs them: what an index lists, what a
//! referrer refers to.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// OCI image index (a multi-platform image).
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest (one platform, or an artifact such as a signature).
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list (the Docker form of an index).
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// The media types asked for, indexes first.
pub const ACCEPTED_MEDIA_TYPES: [&str; 4] = [
    OCI_INDEX,
    DOCKER_MANIFEST_LIST,
    OCI_MANIFEST,
    DOCKER_MANIFEST,
];

/// A manifest listed by an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    /// Its digest.
    pub digest: String,
    /// Its media type, as the index states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// `os/architecture[/variant]`, when the index states a platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// A manifest, reduced to its links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The digest it was fetched by (or the registry reported).
    pub digest: String,
    /// One of [`ACCEPTED_MEDIA_TYPES`].
    pub media_type: String,
    /// For an index: the manifests it lists.
    pub children: Vec<Child>,
    /// For an OCI referrer (signature, attestation, SBOM...): the digest of
    /// the manifest it refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The artifact type of a referrer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    media_type: Option<String>,
    manifests: Option<Vec<BodyDescriptor>>,
    subject: Option<BodyDescriptor>,
    artifact_type: Option<String>,
    config: Option<BodyDescriptor>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BodyDescriptor {
    digest: String,
    media_type: Option<String>,
    platform: Option<BodyPlatform>,
}

#[derive(Deserialize)]
struct BodyPlatform {
    os: String,
    architecture: String,
    variant: Option<String>,
}

impl Manifest {
    /// Whether it lists other manifests (an OCI index or Docker manifest list).
    pub fn is_index(&self) -> bool {
        self.media_type == OCI_INDEX || self.media_type == DOCKER_MANIFEST_LIST
    }

    /// Parses a manifest body. The media type is the body's `mediaType`, else
    /// the response's `Content-Type`; anything but the four accepted types is
    /// a decode error, as are malformed digests (a graph that cannot be
    /// trusted must not drive deletions).
    pub fn parse(digest: &str, content_type: Option<&str>, body: &[u8]) -> Result<Manifest> {
        let bad = |message: String| Error::new(ErrorKind::Decode, message);
        let parsed: Body = serde_json::from_slice(body)
            .map_err(|error| bad(format!("manifest {digest} is not valid JSON: {error}")))?;
        let content_type = content_type.map(|c| c.split(';').next().unwrap_or(c).trim());
        let media_type = parsed
            .media_type
            .as_deref()
            .or(content_type)
            .unwrap_or_default()
            .to_owned();
        if !ACCEPTED_MEDIA_TYPES.contains(&media_type.as_str()) {
            return Err(bad(format!(
                "manifest {digest} has unsupported media type {media_type:?}"
            )));
        }
        let is_index = media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST;
        let children = match (is_index, parsed.manifests) {
            (true, Some(list)) => list
                .into_iter()
                .map(|d| Child {
                    digest: d.digest,
                    media_type: d.media_type,
                    platform: d.platform.map(|p| match p.variant {
                        Some(variant) => format!("{}/{}/{variant}", p.os, p.architecture),
                        None => format!("{}/{}", p.os, p.architecture),
                    }),
                })
                .collect(),
            (true, None) => return Err(bad(format!("index {digest} lists no manifests"))),
            (false, _) => Vec::new(),
        };
        let subject = parsed.subject.map(|s| s.digest);
        for linked in children.iter().map(|c| &c.digest).chain(subject.as_ref()) {
            if !is_digest(linked) {
                return Err(bad(format!(
                    "manifest {digest} refers to malformed digest {linked:?}"
                )));
            }
        }
        let artifact_type = parsed.artifact_type.or_else(|| {
            subject
                .as_ref()
                .and(parsed.config)
                .and_then(|c| c.media_type)
        });
        Ok(Manifest {
            digest: digest.to_owned(),
            media_type,
            children,
            subject,
            artifact_type,
        })
    }
}

/// Whether `text` is a digest by the OCI grammar (`algorithm:encoded`: an
/// algorithm of lowercase letters and digits joined by `+._-`, an encoded
/// part of letters, digits and `=_-`), which also makes it safe in a URL path.
pub fn is_digest(text: &str) -> bool {
    let Some((algorithm, encoded)) = text.split_once(':') else {
        return false;
    };
    let component = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    algorithm.split(['+', '.', '_', '-']).all(component)
        && !encoded.is_empty()
        && encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'))
}

/// A full SHA-256 digest: `sha256:` and 64 lowercase hex digits.
fn is_sha256(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The subject digest of a cosign-style tag (`sha256-<hex>.sig`, `.att`,
/// `.sbom`: the signature, attestation or SBOM of the manifest `sha256:<hex>`).
pub fn referrer_tag_subject(tag: &str) -> Option<String> {
    let stem = [".sig", ".att", ".sbom"]
        .iter()
        .find_map(|suffix| tag.strip_suffix(suffix))?;
    let digest = format!("sha256:{}", stem.strip_prefix("sha256-")?);
    is_sha256(&digest).then_some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    #[test]
    fn parses_an_index_with_platforms() {
        let body = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[
            {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"platform":{{"os":"linux","architecture":"amd64"}}}},
            {{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1,"platform":{{"os":"linux","architecture":"arm","variant":"v7"}}}}]}}"#,
            digest('a'),
            digest('b')
        );
        let manifest = Manifest::parse(&digest('f'), None, body.as_bytes()).unwrap();
        assert!(manifest.is_index());
        assert_eq!(manifest.children.len(), 2);
        assert_eq!(
            manifest.children[1].platform.as_deref(),
            Some("linux/arm/v7")
        );
        assert_eq!(manifest.subject, None);
    }

    #[test]
    fn parses_a_referrer_and_takes_the_media_type_from_content_type() {
        let body = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.dev.cosign.artifact.sig.v1+json","digest":"{}"}},
            "layers":[],"subject":{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":1}}}}"#,
            digest('c'),
            digest('a')
        );
        let manifest = Manifest::parse(
            &digest('e'),
            Some(&format!("{OCI_MANIFEST}; charset=utf-8")),
            body.as_bytes(),
        )
        .unwrap();
        assert!(!manifest.is_index());
        assert_eq!(manifest.subject, Some(digest('a')));
        assert_eq!(
            manifest.artifact_type.as_deref(),
            Some("application/vnd.dev.cosign.artifact.sig.v1+json")
        );
    }

    #[test]
    fn refuses_what_cannot_be_trusted() {
        let d = digest('a');
        for body in [
            "not json".to_owned(),
            r#"{"mediaType":"application/vnd.oci.image.config.v1+json"}"#.to_owned(),
            format!(r#"{{"mediaType":"{OCI_INDEX}"}}"#),
            format!(r#"{{"mediaType":"{OCI_INDEX}","manifests":[{{"digest":"sha256:../../x"}}]}}"#),
            r#"{"schemaVersion":2}"#.to_owned(),
        ] {
            let error = Manifest::parse(&d, None, body.as_bytes()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Decode, "{body}");
        }
    }

    #[test]
    fn digests_and_referrer_tags() {
        assert!(is_digest(&digest('0')));
        assert!(is_digest("sha256:74bcebb4c60c"));
        assert!(is_digest(
            "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46"
        ));
        for bad in [
            "sha256",
            "sha256:",
            ":abc",
            "SHA256:abc",
            "sha256:a/b",
            "sha256:a b",
            "a..b:c",
            "1.0.0",
        ] {
            assert!(!is_digest(bad), "{bad}");
        }
        let hex = "a".repeat(64);
        assert_eq!(
            referrer_tag_subject(&format!("sha256-{hex}.sig")),
            Some(format!("sha256:{hex}"))
        );
        assert!(referrer_tag_subject(&format!("sha256-{hex}.att")).is_some());
        assert!(referrer_tag_subject(&format!("sha256-{hex}.sbom")).is_some());
        assert_eq!(referrer_tag_subject(&format!("sha256-{hex}")), None);
        assert_eq!(referrer_tag_subject("latest.sig"), None);
        assert_eq!(referrer_tag_subject("sha256-abc.sig"), None);
    }
}
