//! The enumerations of the Packages API: package type, visibility, version state.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

macro_rules! api_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in the order GitHub's description lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name GitHub uses on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(Error::invalid_input(
                        $what,
                        format!(
                            "unknown {} {:?}; expected one of: {}",
                            $what,
                            other,
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}

api_enum!(
    /// The registry a package belongs to (`package_type`).
    PackageType, "package_type" {
        /// npm registry.
        Npm => "npm",
        /// Apache Maven registry.
        Maven => "maven",
        /// RubyGems registry.
        Rubygems => "rubygems",
        /// The legacy Docker registry (`docker.pkg.github.com`).
        Docker => "docker",
        /// NuGet registry.
        Nuget => "nuget",
        /// Container registry (`ghcr.io`).
        Container => "container",
    }
);

api_enum!(
    /// Visibility of a package, and the `visibility` filter of package lists.
    Visibility, "visibility" {
        /// Visible to everyone.
        Public => "public",
        /// Visible to those granted access.
        Private => "private",
        /// Visible to members of the enterprise (filter only; registries without
        /// granular permissions treat it as `private`).
        Internal => "internal",
    }
);

api_enum!(
    /// State filter of version lists (`state`).
    VersionState, "state" {
        /// Versions that have not been deleted.
        Active => "active",
        /// Versions deleted within the last 30 days, which can be restored.
        Deleted => "deleted",
    }
);
