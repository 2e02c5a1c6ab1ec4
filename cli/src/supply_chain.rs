//! Reading the files images/signature needs: trusted public keys and signature material.
//!
//! Core verifies but never touches the filesystem; this module reads what `--trusted-key`,
//! `--signatures` and the configuration's `images.trusted_keys` / `images.signatures` name and
//! hands the contents over. A signatures path is one of:
//! - a file: `cosign download signature` output (one JSON object per line);
//! - a directory holding `index.json`: an OCI image layout (`cosign save`), read whole;
//! - any other directory: searched (sorted, hidden entries skipped) for layouts and for files
//!   ending in `.json` or `.jsonl`.
//!
//! Names in messages are the paths as the user wrote them (joined below a searched directory).

use plimsoll_core::signature::SignatureSource;
use std::collections::BTreeMap;
use std::path::Path;

/// Files of a layout larger than this are not read: `cosign save` stores the image's layers
/// too, and only the index, the manifests and the signature payloads (all small) matter.
const MAX_LAYOUT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A key file's contents, or why it cannot be read.
pub fn read_key(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read the trusted key {}: {e}", path.display()))
}

/// The signature material under a path.
pub fn read_signatures(path: &Path) -> Result<Vec<SignatureSource>, String> {
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| format!("cannot read the signatures {name}: {e}");
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    if !metadata.is_dir() {
        let text = std::fs::read_to_string(path).map_err(cannot)?;
        return Ok(vec![SignatureSource::DownloadLines { name, text }]);
    }
    if path.join("index.json").is_file() {
        return Ok(vec![SignatureSource::OciLayout { files: layout_files(path)?, name }]);
    }
    let mut sources = Vec::new();
    for child in sorted_children(path).map_err(cannot)? {
        let is_material = child.is_dir() || child.extension().is_some_and(|e| e == "json" || e == "jsonl");
        if is_material {
            sources.extend(read_signatures(&child)?);
        }
    }
    if sources.is_empty() {
        return Err(format!(
            "{name}: no signature material (expected .json/.jsonl files from `cosign download signature`, or \
             `cosign save` directories)"
        ));
    }
    Ok(sources)
}

/// Non-hidden entries of a directory, sorted.
fn sorted_children(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            children.push(path);
        }
    }
    children.sort();
    Ok(children)
}

/// The small files of a layout by their `/`-separated paths relative to the layout.
fn layout_files(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("cannot read the layout {}: {e}", root.display()))?;
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if !entry.file_type().is_file() || size > MAX_LAYOUT_FILE_BYTES {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let key: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        files.insert(key.join("/"), bytes);
    }
    Ok(files)
}
