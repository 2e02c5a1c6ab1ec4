//! Finding and reading the sources named on the command line.
//!
//! Paths are expanded in order: a file is taken as is (whatever its extension), a directory is
//! searched for `.yaml`, `.yml` and `.json` files in sorted order, skipping hidden directories,
//! and `-` reads standard input. Files the configuration's `ignore_paths` covers are left out
//! ([`collect_except`]). Policies and data files are found the same way ([`collect_files`]),
//! with another test for the files a directory contributes. Reading happens in parallel; the order of the result is the order of the
//! expansion, so reports are deterministic.

use plimsoll_core::Source;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The name reports give standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// A path that could not be used.
#[derive(Debug)]
pub struct PathError {
    pub path: String,
    pub message: String,
}

/// What reading produced: the sources in order, and the paths that failed.
#[derive(Debug, Default)]
pub struct Collected {
    pub sources: Vec<Source>,
    pub errors: Vec<PathError>,
    /// Files left out because the configuration's `ignore_paths` covers them.
    pub ignored: usize,
}

enum Input {
    File(PathBuf),
    Stdin,
}

/// Expands and reads `paths`.
pub fn collect(paths: &[PathBuf]) -> Collected {
    collect_except(paths, &|_| false)
}

/// Expands and reads `paths`, leaving out the files `ignore` covers (named files too: a
/// pre-commit hook names every changed file).
pub fn collect_except(paths: &[PathBuf], ignore: &dyn Fn(&Path) -> bool) -> Collected {
    collect_kind(paths, &is_manifest, ignore, &|_| false)
}

/// [`collect_except`], also leaving out, without counting them as ignored, the files `rendered`
/// claims: those of charts and kustomizations, which are linted as rendered instead.
pub fn collect_unrendered(
    paths: &[PathBuf],
    ignore: &dyn Fn(&Path) -> bool,
    rendered: &dyn Fn(&Path) -> bool,
) -> Collected {
    collect_kind(paths, &is_manifest, ignore, rendered)
}

/// Expands and reads `paths` as [`collect`] does, taking from directories the files `wanted`
/// accepts (`.rego` policies, data files) instead of manifests.
pub fn collect_files(paths: &[PathBuf], wanted: &dyn Fn(&Path) -> bool) -> Collected {
    collect_kind(paths, wanted, &|_| false, &|_| false)
}

fn collect_kind(
    paths: &[PathBuf],
    wanted: &dyn Fn(&Path) -> bool,
    ignore: &dyn Fn(&Path) -> bool,
    rendered: &dyn Fn(&Path) -> bool,
) -> Collected {
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            expand_directory(path, wanted, &mut inputs, &mut errors);
        } else if path.exists() {
            inputs.push(Input::File(path.clone()));
        } else {
            errors.push(PathError { path: display(path), message: "no such file or directory".into() });
        }
    }
    inputs.retain(|input| !matches!(input, Input::File(path) if rendered(path)));
    let before = inputs.len();
    inputs.retain(|input| !matches!(input, Input::File(path) if ignore(path)));
    let ignored = before - inputs.len();
    let results: Vec<Result<Source, PathError>> = inputs.into_par_iter().map(read_input).collect();
    let mut sources = Vec::new();
    for result in results {
        match result {
            Ok(source) => sources.push(source),
            Err(error) => errors.push(error),
        }
    }
    Collected { sources, errors, ignored }
}

fn expand_directory(root: &Path, wanted: &dyn Fn(&Path) -> bool, inputs: &mut Vec<Input>, errors: &mut Vec<PathError>) {
    let walker = WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|entry| {
        entry.depth() == 0 || !(entry.file_type().is_dir() && entry.file_name().to_string_lossy().starts_with('.'))
    });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && wanted(entry.path()) => {
                inputs.push(Input::File(entry.into_path()));
            }
            Ok(_) => {}
            Err(error) => errors.push(PathError {
                path: error.path().map(display).unwrap_or_else(|| display(root)),
                message: error.to_string(),
            }),
        }
    }
}

/// `.yaml`, `.yml` or `.json`: manifests, and data files for policies.
pub fn is_manifest(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
}

fn read_input(input: Input) -> Result<Source, PathError> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| PathError { path: STDIN_NAME.into(), message: e.to_string() })?;
            decode(STDIN_NAME.to_string(), bytes)
        }
        Input::File(path) => {
            let name = display(&path);
            let bytes = std::fs::read(&path).map_err(|e| PathError { path: name.clone(), message: e.to_string() })?;
            decode(name, bytes)
        }
    }
}

fn decode(name: String, bytes: Vec<u8>) -> Result<Source, PathError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { name, text }),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            Err(PathError { path: name, message: format!("not valid UTF-8 (byte offset {offset})") })
        }
    }
}

/// Paths as the user wrote them, without a leading `./` added by the walk.
fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").map(str::to_string).unwrap_or_else(|| text.into_owned())
}
