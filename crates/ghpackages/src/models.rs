//! Models of the objects the GitHub Packages API returns, as described by
//! GitHub's OpenAPI schemas `package`, `package-version`, `simple-user` and
//! `minimal-repository`.
//!
//! Required fields are plain fields, optional ones are `Option`s; fields that
//! are required but may be `null` are `Option`s that must still be present.
//! Fields this crate does not know are kept in `extra`, so nothing GitHub sent
//! is lost.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::types::{PackageType, Visibility};

/// Unknown fields of an object, kept as raw JSON.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Deserializes a field that must be present but may be `null`.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// A software package (`package` schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// Unique identifier of the package.
    pub id: u64,
    /// The name of the package (container names may contain `/`).
    pub name: String,
    /// The registry the package belongs to.
    pub package_type: PackageType,
    /// API URL of the package.
    pub url: String,
    /// Web URL of the package.
    pub html_url: String,
    /// The number of versions of the package.
    pub version_count: u64,
    /// Visibility of the package.
    pub visibility: Visibility,
    /// The owner (user or organization); may be absent or `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<SimpleUser>,
    /// The repository the package is linked to; may be absent or `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<MinimalRepository>,
    /// When the package was created.
    pub created_at: DateTime<Utc>,
    /// When the package was last updated.
    pub updated_at: DateTime<Utc>,
    /// Fields not described by the schema, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A version of a package (`package-version` schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageVersion {
    /// Unique identifier of the package version.
    pub id: u64,
    /// The name of the version (a container version's name is its digest).
    pub name: String,
    /// API URL of the version.
    pub url: String,
    /// Web URL of the package.
    pub package_html_url: String,
    /// Web URL of the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_url: Option<String>,
    /// License of the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Description of the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the version was created.
    pub created_at: DateTime<Utc>,
    /// When the version was last updated.
    pub updated_at: DateTime<Utc>,
    /// When the version was deleted, for deleted versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Registry-specific metadata (container tags, docker tags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<PackageVersionMetadata>,
    /// Fields not described by the schema, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Registry-specific metadata of a package version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageVersionMetadata {
    /// The registry of the version.
    pub package_type: PackageType,
    /// Container metadata, for `container` packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<ContainerMetadata>,
    /// Docker metadata, for `docker` packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<DockerMetadata>,
    /// Fields not described by the schema, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Tags of a container version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerMetadata {
    /// The tags pointing at this version; empty for untagged versions.
    pub tags: Vec<String>,
}

/// Tags of a docker version. GitHub's schema lists the property `tag` but
/// requires `tags`; both spellings are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DockerMetadata {
    /// The `tag` property, as the schema names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Vec<String>>,
    /// The `tags` property, as the schema requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// A GitHub user or organization (`simple-user` schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleUser {
    /// The `name` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The `email` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The `login` field, as GitHub sends it.
    pub login: String,
    /// The `id` field, as GitHub sends it.
    pub id: i64,
    /// The `node_id` field, as GitHub sends it.
    pub node_id: String,
    /// The `avatar_url` field, as GitHub sends it.
    pub avatar_url: String,
    /// Always present; may be `null`.
    #[serde(deserialize_with = "crate::models::nullable")]
    pub gravatar_id: Option<String>,
    /// The `url` field, as GitHub sends it.
    pub url: String,
    /// The `html_url` field, as GitHub sends it.
    pub html_url: String,
    /// The `followers_url` field, as GitHub sends it.
    pub followers_url: String,
    /// The `following_url` field, as GitHub sends it.
    pub following_url: String,
    /// The `gists_url` field, as GitHub sends it.
    pub gists_url: String,
    /// The `starred_url` field, as GitHub sends it.
    pub starred_url: String,
    /// The `subscriptions_url` field, as GitHub sends it.
    pub subscriptions_url: String,
    /// The `organizations_url` field, as GitHub sends it.
    pub organizations_url: String,
    /// The `repos_url` field, as GitHub sends it.
    pub repos_url: String,
    /// The `events_url` field, as GitHub sends it.
    pub events_url: String,
    /// The `received_events_url` field, as GitHub sends it.
    pub received_events_url: String,
    /// The `type` field, as GitHub sends it.
    pub r#type: String,
    /// The `site_admin` field, as GitHub sends it.
    pub site_admin: bool,
    /// The `starred_at` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starred_at: Option<String>,
    /// The `user_view_type` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_view_type: Option<String>,
    /// Fields not described by the schema, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A repository a package is linked to (`minimal-repository` schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinimalRepository {
    /// The `id` field, as GitHub sends it.
    pub id: i64,
    /// The `node_id` field, as GitHub sends it.
    pub node_id: String,
    /// The `name` field, as GitHub sends it.
    pub name: String,
    /// The `full_name` field, as GitHub sends it.
    pub full_name: String,
    /// The `owner` field, as GitHub sends it.
    pub owner: SimpleUser,
    /// The `private` field, as GitHub sends it.
    pub private: bool,
    /// The `html_url` field, as GitHub sends it.
    pub html_url: String,
    /// Always present; may be `null`.
    #[serde(deserialize_with = "crate::models::nullable")]
    pub description: Option<String>,
    /// The `fork` field, as GitHub sends it.
    pub fork: bool,
    /// The `url` field, as GitHub sends it.
    pub url: String,
    /// The `archive_url` field, as GitHub sends it.
    pub archive_url: String,
    /// The `assignees_url` field, as GitHub sends it.
    pub assignees_url: String,
    /// The `blobs_url` field, as GitHub sends it.
    pub blobs_url: String,
    /// The `branches_url` field, as GitHub sends it.
    pub branches_url: String,
    /// The `collaborators_url` field, as GitHub sends it.
    pub collaborators_url: String,
    /// The `comments_url` field, as GitHub sends it.
    pub comments_url: String,
    /// The `commits_url` field, as GitHub sends it.
    pub commits_url: String,
    /// The `compare_url` field, as GitHub sends it.
    pub compare_url: String,
    /// The `contents_url` field, as GitHub sends it.
    pub contents_url: String,
    /// The `contributors_url` field, as GitHub sends it.
    pub contributors_url: String,
    /// The `deployments_url` field, as GitHub sends it.
    pub deployments_url: String,
    /// The `downloads_url` field, as GitHub sends it.
    pub downloads_url: String,
    /// The `events_url` field, as GitHub sends it.
    pub events_url: String,
    /// The `forks_url` field, as GitHub sends it.
    pub forks_url: String,
    /// The `git_commits_url` field, as GitHub sends it.
    pub git_commits_url: String,
    /// The `git_refs_url` field, as GitHub sends it.
    pub git_refs_url: String,
    /// The `git_tags_url` field, as GitHub sends it.
    pub git_tags_url: String,
    /// The `git_url` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_url: Option<String>,
    /// The `issue_comment_url` field, as GitHub sends it.
    pub issue_comment_url: String,
    /// The `issue_events_url` field, as GitHub sends it.
    pub issue_events_url: String,
    /// The `issues_url` field, as GitHub sends it.
    pub issues_url: String,
    /// The `keys_url` field, as GitHub sends it.
    pub keys_url: String,
    /// The `labels_url` field, as GitHub sends it.
    pub labels_url: String,
    /// The `languages_url` field, as GitHub sends it.
    pub languages_url: String,
    /// The `merges_url` field, as GitHub sends it.
    pub merges_url: String,
    /// The `milestones_url` field, as GitHub sends it.
    pub milestones_url: String,
    /// The `notifications_url` field, as GitHub sends it.
    pub notifications_url: String,
    /// The `pulls_url` field, as GitHub sends it.
    pub pulls_url: String,
    /// The `releases_url` field, as GitHub sends it.
    pub releases_url: String,
    /// The `ssh_url` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_url: Option<String>,
    /// The `stargazers_url` field, as GitHub sends it.
    pub stargazers_url: String,
    /// The `statuses_url` field, as GitHub sends it.
    pub statuses_url: String,
    /// The `subscribers_url` field, as GitHub sends it.
    pub subscribers_url: String,
    /// The `subscription_url` field, as GitHub sends it.
    pub subscription_url: String,
    /// The `tags_url` field, as GitHub sends it.
    pub tags_url: String,
    /// The `teams_url` field, as GitHub sends it.
    pub teams_url: String,
    /// The `trees_url` field, as GitHub sends it.
    pub trees_url: String,
    /// The `clone_url` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clone_url: Option<String>,
    /// The `mirror_url` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror_url: Option<String>,
    /// The `hooks_url` field, as GitHub sends it.
    pub hooks_url: String,
    /// The `svn_url` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub svn_url: Option<String>,
    /// The `homepage` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// The `language` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The `forks_count` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forks_count: Option<i64>,
    /// The `stargazers_count` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stargazers_count: Option<i64>,
    /// The `watchers_count` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watchers_count: Option<i64>,
    /// The size of the repository, in kilobytes. Size is calculated hourly. When a repository is initially created, the size is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// The `default_branch` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// The `open_issues_count` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_issues_count: Option<i64>,
    /// The `is_template` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_template: Option<bool>,
    /// The `topics` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<String>>,
    /// The `has_issues` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_issues: Option<bool>,
    /// The `has_projects` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_projects: Option<bool>,
    /// The `has_wiki` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_wiki: Option<bool>,
    /// The `has_pages` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_pages: Option<bool>,
    /// The `has_downloads` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_downloads: Option<bool>,
    /// The `has_discussions` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_discussions: Option<bool>,
    /// The `has_pull_requests` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_pull_requests: Option<bool>,
    /// The policy controlling who can create pull requests: all or collaborators_only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request_creation_policy: Option<String>,
    /// The `archived` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// The `disabled` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// The `visibility` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// The `pushed_at` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_at: Option<DateTime<Utc>>,
    /// The `created_at` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// The `updated_at` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// The `permissions` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<serde_json::Value>,
    /// The `role_name` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// The `temp_clone_token` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_clone_token: Option<String>,
    /// The `delete_branch_on_merge` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_branch_on_merge: Option<bool>,
    /// The `subscribers_count` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribers_count: Option<i64>,
    /// The `network_count` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_count: Option<i64>,
    /// The `code_of_conduct` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_of_conduct: Option<serde_json::Value>,
    /// The `license` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<serde_json::Value>,
    /// The `forks` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forks: Option<i64>,
    /// The `open_issues` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_issues: Option<i64>,
    /// The `watchers` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watchers: Option<i64>,
    /// The `allow_forking` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_forking: Option<bool>,
    /// The `web_commit_signoff_required` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_commit_signoff_required: Option<bool>,
    /// The `security_and_analysis` field, as GitHub sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_and_analysis: Option<serde_json::Value>,
    /// The custom properties that were defined for the repository. The keys are the custom property names, and the values are the corresponding custom property values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_properties: Option<serde_json::Value>,
    /// Fields not described by the schema, as sent.
    #[serde(flatten)]
    pub extra: Extra,
}
