//! Finding and reading `.plimsoll.yaml` for `plimsoll lint`.
//!
//! Without `--config`, the file is looked for in the working directory, then in each parent
//! directory up to the top of the git work tree (or the filesystem root outside one); the first
//! one found is used (`--no-config` skips the search). Its checking and meaning (the settings it
//! gives, which the command line's override) belong to core ([`plimsoll_core::config`]); this
//! module only reads it and answers path questions relative to the directory it lives in
//! (`ignore_paths`, and the files that `policies`, `data`, `crds` and `images` name:
//! [`Loaded::relative_path`]).

use plimsoll_core::config::{Config, ConfigErrors, FILE_NAME};
use std::path::{Component, Path, PathBuf};

/// A configuration file that was read and checked.
pub struct Loaded {
    pub config: Config,
    /// The directory `ignore_paths` patterns are relative to (absolute, normalized).
    pub dir: PathBuf,
}

/// Why no configuration could be used.
pub enum LoadError {
    /// The file could not be read.
    Read { name: String, message: String },
    /// The file has mistakes.
    Invalid(ConfigErrors),
}

/// The configuration the command line asks for: `--config`, the nearest `.plimsoll.yaml`, or none.
pub fn load(explicit: Option<&Path>, disabled: bool) -> Result<Option<Loaded>, LoadError> {
    if disabled {
        return Ok(None);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let (path, name) = match explicit {
        Some(path) => (cwd.join(path), path.display().to_string()),
        None => match discover(&cwd) {
            Some(found) => found,
            None => return Ok(None),
        },
    };
    load_file(&path, &name).map(Some)
}

/// Reads and checks the configuration file at `path` (absolute), named `name` in messages.
pub fn load_file(path: &Path, name: &str) -> Result<Loaded, LoadError> {
    let read_error = |e: std::io::Error| LoadError::Read { name: name.to_string(), message: e.to_string() };
    let text = std::fs::read_to_string(path).map_err(read_error)?;
    let config = Config::parse(name, &text).map_err(LoadError::Invalid)?;
    let dir = normalize(path.parent().unwrap_or(Path::new("/")));
    Ok(Loaded { config, dir })
}

/// The nearest `.plimsoll.yaml` at or above `start`, not looking past the top of a git work tree
/// (a directory holding `.git`): its path, and its name relative to `start` (`.plimsoll.yaml`,
/// `../.plimsoll.yaml`, …) for messages.
pub fn discover(start: &Path) -> Option<(PathBuf, String)> {
    for (depth, dir) in start.ancestors().enumerate() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some((candidate, format!("{}{FILE_NAME}", "../".repeat(depth))));
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

impl Loaded {
    /// A path the file names (`policies`, `data`, `crds`), as seen from the working directory:
    /// relative to the file's directory unless absolute.
    pub fn relative_path(&self, written: &str) -> PathBuf {
        let path = Path::new(written);
        let absolute = self.dir.join(path);
        let cwd = normalize(&std::env::current_dir().unwrap_or_default());
        // Names relative to the working directory keep reports and errors short.
        match absolute.strip_prefix(&cwd) {
            Ok(relative) if !path.is_absolute() => relative.to_path_buf(),
            _ => absolute,
        }
    }

    /// Whether `ignore_paths` covers a source, named as the walk names it (relative to the working
    /// directory, or absolute). Paths outside the configuration's directory are never ignored.
    pub fn ignores(&self, path: &Path) -> bool {
        if self.config.ignore_paths.is_empty() {
            return false;
        }
        let absolute = normalize(&std::env::current_dir().unwrap_or_default().join(path));
        match absolute.strip_prefix(&self.dir) {
            Ok(relative) => {
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                self.config.ignores_path(&parts.join("/"))
            }
            Err(_) => false,
        }
    }
}

/// Resolves `.` and `..` without touching the filesystem (symbolic links are taken as written).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other.as_os_str()),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_resolves_dots() {
        assert_eq!(normalize(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
    }
}
