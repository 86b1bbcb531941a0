//! The API paths of the operations, built once per owner family.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::owner::Owner;
use crate::types::PackageType;

/// Everything but RFC 3986 unreserved characters is encoded, so `/` in
/// container names (`org/image`) and `@` in npm scopes stay inside one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment.
pub(crate) fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// `/orgs/{org}`, `/users/{username}` or `/user`.
pub(crate) fn owner_prefix(owner: &Owner) -> String {
    match owner {
        Owner::Org(name) => format!("/orgs/{}", encode_segment(name)),
        Owner::User(name) => format!("/users/{}", encode_segment(name)),
        Owner::AuthenticatedUser => "/user".to_owned(),
    }
}

/// `{prefix}/packages`.
pub(crate) fn packages(owner: &Owner) -> String {
    format!("{}/packages", owner_prefix(owner))
}

/// `{prefix}/docker/conflicts`.
pub(crate) fn docker_conflicts(owner: &Owner) -> String {
    format!("{}/docker/conflicts", owner_prefix(owner))
}

/// `{prefix}/packages/{package_type}/{package_name}`.
pub(crate) fn package(owner: &Owner, package_type: PackageType, name: &str) -> String {
    format!(
        "{}/packages/{}/{}",
        owner_prefix(owner),
        package_type.as_str(),
        encode_segment(name)
    )
}

/// `{prefix}/packages/{package_type}/{package_name}/versions`.
pub(crate) fn versions(owner: &Owner, package_type: PackageType, name: &str) -> String {
    format!("{}/versions", package(owner, package_type, name))
}

/// `{prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}`.
pub(crate) fn version(
    owner: &Owner,
    package_type: PackageType,
    name: &str,
    version_id: u64,
) -> String {
    format!("{}/{version_id}", versions(owner, package_type, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_the_three_families() {
        assert_eq!(owner_prefix(&Owner::org("octo-org")), "/orgs/octo-org");
        assert_eq!(owner_prefix(&Owner::user("octocat")), "/users/octocat");
        assert_eq!(owner_prefix(&Owner::AuthenticatedUser), "/user");
    }

    #[test]
    fn every_path() {
        let org = Owner::org("octo-org");
        assert_eq!(packages(&org), "/orgs/octo-org/packages");
        assert_eq!(
            docker_conflicts(&Owner::AuthenticatedUser),
            "/user/docker/conflicts"
        );
        assert_eq!(
            package(&org, PackageType::Container, "hello"),
            "/orgs/octo-org/packages/container/hello"
        );
        assert_eq!(
            versions(&Owner::user("octocat"), PackageType::Rubygems, "octo-name"),
            "/users/octocat/packages/rubygems/octo-name/versions"
        );
        assert_eq!(
            version(&Owner::AuthenticatedUser, PackageType::Npm, "a", 42),
            "/user/packages/npm/a/versions/42"
        );
    }

    #[test]
    fn names_are_one_segment() {
        assert_eq!(
            encode_segment("octo-org/hello_docker"),
            "octo-org%2Fhello_docker"
        );
        assert_eq!(encode_segment("@octo/pkg"), "%40octo%2Fpkg");
        assert_eq!(encode_segment("com.example.lib~x"), "com.example.lib~x");
        assert_eq!(encode_segment("a b?#%"), "a%20b%3F%23%25");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }
}
