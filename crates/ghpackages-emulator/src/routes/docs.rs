//! The documentation link of each operation, sent in its error answers.

use super::call::FamilyKind;

/// The operation kinds, each served for three owner families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    ListPackages,
    GetPackage,
    DeletePackage,
    RestorePackage,
    ListVersions,
    GetVersion,
    DeleteVersion,
    RestoreVersion,
    Conflicts,
}

macro_rules! anchors {
    ($($op:ident => $org:literal, $user:literal, $me:literal;)+) => {
        /// The docs URL of an operation of a family.
        pub fn docs(op: Op, family: FamilyKind) -> &'static str {
            match (op, family) {
                $(
                    (Op::$op, FamilyKind::Org) => concat!("https://docs.github.com/rest/packages/packages#", $org),
                    (Op::$op, FamilyKind::User) => concat!("https://docs.github.com/rest/packages/packages#", $user),
                    (Op::$op, FamilyKind::Me) => concat!("https://docs.github.com/rest/packages/packages#", $me),
                )+
            }
        }
    };
}

anchors! {
    ListPackages => "list-packages-for-an-organization", "list-packages-for-a-user",
        "list-packages-for-the-authenticated-users-namespace";
    GetPackage => "get-a-package-for-an-organization", "get-a-package-for-a-user",
        "get-a-package-for-the-authenticated-user";
    DeletePackage => "delete-a-package-for-an-organization", "delete-a-package-for-a-user",
        "delete-a-package-for-the-authenticated-user";
    RestorePackage => "restore-a-package-for-an-organization", "restore-a-package-for-a-user",
        "restore-a-package-for-the-authenticated-user";
    ListVersions => "list-package-versions-for-a-package-owned-by-an-organization",
        "list-package-versions-for-a-package-owned-by-a-user",
        "list-package-versions-for-a-package-owned-by-the-authenticated-user";
    GetVersion => "get-a-package-version-for-an-organization", "get-a-package-version-for-a-user",
        "get-a-package-version-for-the-authenticated-user";
    DeleteVersion => "delete-package-version-for-an-organization", "delete-package-version-for-a-user",
        "delete-a-package-version-for-the-authenticated-user";
    RestoreVersion => "restore-package-version-for-an-organization", "restore-package-version-for-a-user",
        "restore-a-package-version-for-the-authenticated-user";
    Conflicts => "get-list-of-conflicting-packages-during-docker-migration-for-organization",
        "get-list-of-conflicting-packages-during-docker-migration-for-user",
        "get-list-of-conflicting-packages-during-docker-migration-for-authenticated-user";
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://docs.github.com/rest/packages/packages#";

    #[test]
    fn every_link_points_at_the_packages_page() {
        for family in [FamilyKind::Org, FamilyKind::User, FamilyKind::Me] {
            let link = docs(Op::DeleteVersion, family);
            assert!(link.starts_with(BASE) && link.len() > BASE.len(), "{link}");
        }
    }
}
