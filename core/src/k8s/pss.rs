//! Pod Security Standards settings: which level and which policy version the `security-context`
//! rules check.
//!
//! Frontends parse `baseline`/`restricted` and `v1.0` … `v1.37`/`latest` into a [`PssLevel`] and
//! a [`PssVersion`]; the linter's builder stores them, as [`PssSettings::to_config`] writes them,
//! under the rule setting `pss`, which policies read as `data.plimsoll.config.pss = {"level": "restricted", "version": {"major": 1, "minor": 37}}`:
//! the version travels as numbers so that a rule can compare it with the version its check
//! appeared or changed in. `latest` becomes the newest version the rules implement
//! ([`PssVersion::LATEST`]), as Pod Security admission maps `latest` to its newest checks.

use serde_json::{json, Value};
use std::fmt;
use std::str::FromStr;

/// A Pod Security Standards level. `privileged` (no checks at all) is not a level a linter needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PssLevel {
    /// Prevents known privilege escalations; the baseline rules run.
    Baseline,
    /// Hardening best practice on top of baseline; every rule runs (the default).
    #[default]
    Restricted,
}

impl PssLevel {
    /// The level as Pod Security admission labels spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level or version that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum PssSettingError {
    #[error("unknown Pod Security Standards level {0:?} (expected baseline or restricted)")]
    #[diagnostic(code(plimsoll::pss_level))]
    Level(String),
    #[error("unknown Pod Security Standards version {given:?} (expected v1.0 … v1.{newest} or latest)")]
    #[diagnostic(code(plimsoll::pss_version))]
    Version { given: String, newest: u32 },
}

impl FromStr for PssLevel {
    type Err = PssSettingError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "baseline" => Ok(PssLevel::Baseline),
            "restricted" => Ok(PssLevel::Restricted),
            other => Err(PssSettingError::Level(other.to_string())),
        }
    }
}

/// A Pod Security Standards policy version, `v1.<minor>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PssVersion {
    minor: u32,
}

impl PssVersion {
    /// The newest version whose checks the built-in rules implement; `latest` means this one.
    pub const LATEST: PssVersion = PssVersion { minor: 37 };

    /// `v1.<minor>`, if the rules know that version.
    pub fn v1(minor: u32) -> Option<PssVersion> {
        (minor <= Self::LATEST.minor).then_some(PssVersion { minor })
    }

    pub fn major(self) -> u32 {
        1
    }

    pub fn minor(self) -> u32 {
        self.minor
    }
}

impl Default for PssVersion {
    fn default() -> Self {
        Self::LATEST
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}", self.minor)
    }
}

impl FromStr for PssVersion {
    type Err = PssSettingError;
    /// `latest`, or `v1.<minor>` with a minor from 0 to the newest (no leading zeros, no patch).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || PssSettingError::Version { given: text.to_string(), newest: Self::LATEST.minor };
        if text == "latest" {
            return Ok(Self::LATEST);
        }
        let minor = text.strip_prefix("v1.").ok_or_else(error)?;
        let canonical =
            !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) && (minor == "0" || !minor.starts_with('0'));
        if !canonical {
            return Err(error());
        }
        minor.parse().ok().and_then(PssVersion::v1).ok_or_else(error)
    }
}

/// The level and version the `security-context` rules check (default: restricted, latest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PssSettings {
    pub level: PssLevel,
    pub version: PssVersion,
}

impl PssSettings {
    /// The value of `data.plimsoll.config.pss`.
    pub fn to_config(self) -> Value {
        json!({
            "level": self.level.as_str(),
            "version": {"major": self.version.major(), "minor": self.version.minor()},
        })
    }

    /// Reads back a value written by [`PssSettings::to_config`].
    pub fn from_config(value: &Value) -> Option<PssSettings> {
        let level = value.get("level")?.as_str()?.parse().ok()?;
        let version = &value["version"];
        if version.get("major")?.as_u64()? != 1 {
            return None;
        }
        let minor = u32::try_from(version.get("minor")?.as_u64()?).ok()?;
        Some(PssSettings { level, version: PssVersion::v1(minor)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_from_v1_0_to_latest() {
        assert_eq!("v1.0".parse(), Ok(PssVersion { minor: 0 }));
        assert_eq!("v1.25".parse(), Ok(PssVersion { minor: 25 }));
        assert_eq!("latest".parse(), Ok(PssVersion::LATEST));
        assert_eq!(PssVersion::LATEST.to_string(), "v1.37");
        for bad in ["v1.38", "1.25", "v2.0", "v1.", "v1.025", "v1.2.3", "v1.-1", "", "Latest"] {
            assert!(bad.parse::<PssVersion>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn errors_name_what_is_accepted() {
        let error = "v1.99".parse::<PssVersion>().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("v1.0 … v1.37 or latest"), "{error}");
        let error = "privileged".parse::<PssLevel>().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("baseline or restricted"), "{error}");
    }

    #[test]
    fn settings_round_trip_through_the_config_value() {
        let settings = PssSettings { level: PssLevel::Baseline, version: PssVersion { minor: 19 } };
        assert_eq!(PssSettings::from_config(&settings.to_config()), Some(settings));
        assert_eq!(settings.to_config(), json!({"level": "baseline", "version": {"major": 1, "minor": 19}}));
    }
}
