//! Query parameters of the list operations, validated as GitHub does:
//! malformed values are a 400 naming the parameter.

use crate::error::ApiError;
use crate::store::VersionState;
use crate::types::{PackageType, Visibility};

/// The `visibility` filter of package lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisibilityFilter {
    /// `public`.
    Public,
    /// `private`.
    Private,
    /// `internal`: for registries without granular permissions a synonym of
    /// `private`; the emulator stores no internal packages otherwise.
    Internal,
}

/// The decoded query string of a request, in order.
#[derive(Debug, Default, Clone)]
pub struct Query {
    /// Name/value pairs as sent.
    pub pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes a raw query string.
    pub fn parse(raw: Option<&str>) -> Query {
        Query {
            pairs: raw
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The last value of a parameter (GitHub reads the last one).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Page and page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// 1-based page.
    pub page: i64,
    /// Items per page, 1..=100 (larger requests are served 100).
    pub per_page: i64,
}

impl Paging {
    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

fn integer(query: &Query, name: &str, default: i64, docs: &'static str) -> Result<i64, ApiError> {
    match query.get(name) {
        None => Ok(default),
        Some(text) => text.trim().parse::<i64>().map_err(|_| {
            ApiError::bad_request(
                format!("Invalid value for `{name}`: {text:?} is not an integer."),
                docs,
            )
        }),
    }
}

/// The most items GitHub serves on one page: its description says
/// "The number of results per page (max 100)", and a larger `per_page` is
/// served 100 items rather than refused.
pub const MAX_PER_PAGE: i64 = 100;

/// `page` (default 1) and `per_page` (default 30, at least 1; above
/// [`MAX_PER_PAGE`] it is served as [`MAX_PER_PAGE`]).
pub fn paging(query: &Query, docs: &'static str) -> Result<Paging, ApiError> {
    let page = integer(query, "page", 1, docs)?;
    let per_page = integer(query, "per_page", 30, docs)?;
    if page < 1 {
        return Err(ApiError::bad_request(
            format!("Invalid value for `page`: {page} is less than 1."),
            docs,
        ));
    }
    if per_page < 1 {
        return Err(ApiError::bad_request(
            format!("Invalid value for `per_page`: {per_page} is less than 1."),
            docs,
        ));
    }
    Ok(Paging {
        page,
        per_page: per_page.min(MAX_PER_PAGE),
    })
}

/// The package-list limit on how deep pages may go.
pub fn check_depth(paging: Paging, docs: &'static str) -> Result<(), ApiError> {
    if paging.page.saturating_mul(paging.per_page) > 10_000 {
        return Err(ApiError::bad_request(
            "The value of `per_page` multiplied by `page` cannot be greater than 10000.",
            docs,
        ));
    }
    Ok(())
}

/// The required `package_type` query parameter of package lists.
pub fn package_type(query: &Query, docs: &'static str) -> Result<PackageType, ApiError> {
    match query.get("package_type") {
        None => Err(ApiError::bad_request(
            "Missing required query parameter `package_type`. It must be one of: npm, maven, rubygems, docker, nuget, container.",
            docs,
        )),
        Some(text) => parse_package_type(text, docs),
    }
}

/// A `package_type` value from the path or the query.
pub fn parse_package_type(text: &str, docs: &'static str) -> Result<PackageType, ApiError> {
    text.parse().map_err(|()| {
        ApiError::bad_request(
            format!(
                "Invalid value for `package_type`: {text:?}. It must be one of: npm, maven, rubygems, docker, nuget, container."
            ),
            docs,
        )
    })
}

/// The optional `visibility` filter.
pub fn visibility(query: &Query, docs: &'static str) -> Result<Option<VisibilityFilter>, ApiError> {
    match query.get("visibility") {
        None => Ok(None),
        Some("public") => Ok(Some(VisibilityFilter::Public)),
        Some("private") => Ok(Some(VisibilityFilter::Private)),
        Some("internal") => Ok(Some(VisibilityFilter::Internal)),
        Some(other) => Err(ApiError::bad_request(
            format!(
                "Invalid value for `visibility`: {other:?}. It must be one of: public, private, internal."
            ),
            docs,
        )),
    }
}

impl VisibilityFilter {
    /// The stored visibility the filter selects for a registry, or `None`
    /// when nothing can match.
    pub fn stored(self, package_type: PackageType) -> Option<Visibility> {
        match self {
            VisibilityFilter::Public => Some(Visibility::Public),
            VisibilityFilter::Private => Some(Visibility::Private),
            VisibilityFilter::Internal if package_type.repository_scoped() => {
                Some(Visibility::Private)
            }
            VisibilityFilter::Internal => None,
        }
    }
}

/// The `state` filter of version lists (default `active`).
pub fn state(query: &Query, docs: &'static str) -> Result<VersionState, ApiError> {
    match query.get("state") {
        None | Some("active") => Ok(VersionState::Active),
        Some("deleted") => Ok(VersionState::Deleted),
        Some(other) => Err(ApiError::bad_request(
            format!("Invalid value for `state`: {other:?}. It must be one of: active, deleted."),
            docs,
        )),
    }
}

/// A `package_version_id` path segment.
pub fn version_id(text: &str, docs: &'static str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ApiError::bad_request(
                format!(
                    "Invalid value for `package_version_id`: {text:?} is not a positive integer."
                ),
                docs,
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = "d";

    #[test]
    fn paging_defaults_and_bounds() {
        let p = paging(&Query::parse(None), DOCS).unwrap();
        assert_eq!((p.page, p.per_page), (1, 30));
        let p = paging(&Query::parse(Some("page=3&per_page=100")), DOCS).unwrap();
        assert_eq!(p.offset(), 200);
        for served_as_max in ["per_page=101", "per_page=9223372036854775807"] {
            let p = paging(&Query::parse(Some(served_as_max)), DOCS).unwrap();
            assert_eq!(p.per_page, MAX_PER_PAGE, "{served_as_max}");
        }
        for bad in [
            "page=0",
            "page=x",
            "per_page=0",
            "per_page=-5",
            "per_page=1.5",
        ] {
            let err = paging(&Query::parse(Some(bad)), DOCS).unwrap_err();
            assert_eq!(err.status.as_u16(), 400, "{bad}");
        }
    }

    #[test]
    fn depth_limit_is_ten_thousand() {
        assert!(check_depth(
            Paging {
                page: 100,
                per_page: 100
            },
            DOCS
        )
        .is_ok());
        assert!(check_depth(
            Paging {
                page: 101,
                per_page: 100
            },
            DOCS
        )
        .is_err());
    }

    #[test]
    fn enums_are_validated() {
        let q = Query::parse(Some("package_type=npm&visibility=internal&state=deleted"));
        assert_eq!(package_type(&q, DOCS).unwrap(), PackageType::Npm);
        assert_eq!(
            visibility(&q, DOCS).unwrap(),
            Some(VisibilityFilter::Internal)
        );
        assert_eq!(state(&q, DOCS).unwrap(), VersionState::Deleted);
        let q = Query::parse(Some("package_type=pip&visibility=secret&state=gone"));
        assert!(package_type(&q, DOCS).is_err());
        assert!(visibility(&q, DOCS).is_err());
        assert!(state(&q, DOCS).is_err());
        assert!(package_type(&Query::parse(None), DOCS).is_err());
        assert!(version_id("12a", DOCS).is_err());
        assert_eq!(version_id("12", DOCS).unwrap(), 12);
    }
}
