//! Reading `--crd` paths: CustomResourceDefinition YAML files and JSON schema files, or
//! directories of them, handed to the linter builder as named texts.
//!
//! A file given by name must be usable (a CRD file must hold a CRD; core checks that). In a
//! directory, `.json` files are schemas, named by their path under the directory
//! (`<group>/<kind>_<version>.json`), and `.yaml`/`.yml` files that mention
//! `CustomResourceDefinition` are CRD files; other files are ignored.

use plimsoll_core::LinterBuilder;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Adds every `--crd` path to the builder; the error names the path that could not be read.
pub fn add_crd_paths(mut builder: LinterBuilder, paths: &[PathBuf]) -> Result<LinterBuilder, String> {
    for path in paths {
        if path.is_dir() {
            builder = add_directory(builder, path)?;
        } else {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            builder = add_file(builder, path, &name, true)?;
        }
    }
    Ok(builder)
}

fn add_directory(mut builder: LinterBuilder, root: &Path) -> Result<LinterBuilder, String> {
    for entry in WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("--crd {}: {e}", root.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = relative.to_string_lossy().replace('\\', "/");
        builder = add_file(builder, entry.path(), &name, false)?;
    }
    Ok(builder)
}

/// Adds one file by its extension; `explicit` files must be schemas or CRDs.
fn add_file(builder: LinterBuilder, path: &Path, name: &str, explicit: bool) -> Result<LinterBuilder, String> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let read = || std::fs::read_to_string(path).map_err(|e| format!("--crd {}: {e}", path.display()));
    match extension {
        "json" => Ok(builder.json_schema(name, read()?)),
        "yaml" | "yml" => {
            let text = read()?;
            if explicit || text.contains("CustomResourceDefinition") {
                Ok(builder.crds(path.display().to_string(), text))
            } else {
                Ok(builder)
            }
        }
        _ if explicit => Err(format!("--crd {}: expected a .yaml, .yml or .json file, or a directory", path.display())),
        _ => Ok(builder),
    }
}
