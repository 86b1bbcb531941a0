//! The owner of packages: an organization, a user, or the authenticated user.

use std::fmt;

/// Who owns the packages an operation addresses. One value selects one of the
/// three families of operations (`/orgs/{org}`, `/users/{username}`, `/user`);
/// every operation is implemented once for all three.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// An organization, by login (`/orgs/{org}/...`).
    Org(String),
    /// A user, by login (`/users/{username}/...`).
    User(String),
    /// The user the token belongs to (`/user/...`).
    AuthenticatedUser,
}

impl Owner {
    /// An organization owner.
    pub fn org(name: impl Into<String>) -> Self {
        Owner::Org(name.into())
    }

    /// A user owner.
    pub fn user(name: impl Into<String>) -> Self {
        Owner::User(name.into())
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Org(name) | Owner::User(name) => f.write_str(name),
            Owner::AuthenticatedUser => f.write_str("@me"),
        }
    }
}
