//! The Kubernetes release manifests are checked against (`--kube-version`).

use std::fmt;
use std::str::FromStr;

/// A Kubernetes minor release, `1.N`. Patch releases do not change which APIs are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub minor: u32,
}

impl KubeVersion {
    /// The release whose schemas are bundled, and the default target.
    pub const BUNDLED: KubeVersion = KubeVersion { minor: 33 };

    pub const fn new(minor: u32) -> Self {
        KubeVersion { minor }
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion::BUNDLED
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

/// A version that is not `1.N`, `v1.N` or `1.N.P`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a Kubernetes version: expected 1.N (for example 1.33)")]
pub struct KubeVersionError(pub String);

impl FromStr for KubeVersion {
    type Err = KubeVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || KubeVersionError(text.to_string());
        let trimmed = text.trim();
        let trimmed = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut parts = trimmed.split('.');
        let (Some("1"), Some(minor)) = (parts.next(), parts.next()) else { return Err(error()) };
        let minor: u32 = minor.parse().map_err(|_| error())?;
        match (parts.next(), parts.next()) {
            (None, _) => Ok(KubeVersion { minor }),
            (Some(patch), None) if patch.parse::<u32>().is_ok() => Ok(KubeVersion { minor }),
            _ => Err(error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minor_releases() {
        assert_eq!("1.25".parse(), Ok(KubeVersion::new(25)));
        assert_eq!("v1.29".parse(), Ok(KubeVersion::new(29)));
        assert_eq!("1.20.0".parse(), Ok(KubeVersion::new(20)));
        for bad in ["", "1", "2.0", "1.x", "1.2.3.4", "latest"] {
            assert!(bad.parse::<KubeVersion>().is_err(), "{bad}");
        }
        assert_eq!(KubeVersion::default().to_string(), "1.33");
    }
}
