//! Packaged charts (`charts/*.tgz`, as `helm package` writes them: a gzip'd tar whose top folder is
//! the chart) read in memory, so that findings from a packaged subchart's templates are placed at
//! their lines as a folder subchart's are.
//!
//! Nothing is written to disk. Reading is bounded: at most [`MAX_UNPACKED_BYTES`] of tar stream
//! and [`MAX_ENTRIES`] entries per archive; links, devices and other non-regular entries are
//! skipped, and so are members over the mapping's file size limit or not UTF-8. An archive that
//! cannot be read whole (corrupt, truncated, over a limit) gives nothing: its objects are then
//! placed at their first line, as before it was read.
//!
//! A member is shown to the user as `<archive path>:<path inside the archive>`
//! (`charts/web/charts/cache-0.1.0.tgz:cache/templates/deployment.yaml`), what `tar tzf` lists
//! after the archive's name; [`read_member`] reads such a name back for the report's source lines.

use flate2::read::GzDecoder;
use plimsoll_core::render::helm::MAX_FILE_BYTES;
use std::io::Read;
use std::path::{Component, Path};

/// Most bytes of decompressed tar stream read from one archive (headers included).
pub const MAX_UNPACKED_BYTES: u64 = 64 << 20;
/// Most entries read from one archive.
pub const MAX_ENTRIES: usize = 10_000;
/// What separates an archive's path from a member's in the names reports show.
const MEMBER_SEPARATOR: &str = ".tgz:";

/// A regular file of an archive.
pub struct Member {
    /// Its path inside the archive, `/`-separated (`cache/templates/deployment.yaml`).
    pub path: String,
    pub text: String,
}

/// The regular UTF-8 files of the gzip'd tar at `archive` that `wanted` accepts (given each
/// member's path), or `None` when the archive cannot be read whole within the limits.
pub fn read_members(archive: &Path, wanted: &dyn Fn(&str) -> bool) -> Option<Vec<Member>> {
    let file = std::fs::File::open(archive).ok()?;
    let stream = GzDecoder::new(std::io::BufReader::new(file)).take(MAX_UNPACKED_BYTES);
    let mut tar = tar::Archive::new(stream);
    let mut members = Vec::new();
    for (count, entry) in tar.entries().ok()?.enumerate() {
        if count >= MAX_ENTRIES {
            return None;
        }
        let mut entry = entry.ok()?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let Some(path) = member_path(&entry.path().ok()?) else { continue };
        if !wanted(&path) || entry.size() > MAX_FILE_BYTES as u64 {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        if let Ok(text) = String::from_utf8(bytes) {
            members.push(Member { path, text });
        }
    }
    // A stream cut at the byte limit ends the entries without an error: an archive that reaches
    // the limit is not taken as read whole.
    let stream = tar.into_inner();
    (stream.limit() > 0).then_some(members)
}

/// A member's path as `a/b/c`, when it is relative and stays inside the archive.
fn member_path(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The name reports give a member of `archive` (its display path).
pub fn member_name(archive: &str, member: &str) -> String {
    format!("{archive}:{member}")
}

/// The text of a member named as [`member_name`] names it, read from its archive again.
pub fn read_member(name: &str) -> Option<String> {
    let at = name.find(MEMBER_SEPARATOR)?;
    let (archive, member) = (&name[..at + MEMBER_SEPARATOR.len() - 1], &name[at + MEMBER_SEPARATOR.len()..]);
    let members = read_members(Path::new(archive), &|path| path == member)?;
    members.into_iter().next().map(|m| m.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let file = tempfile::Builder::new().suffix(".tgz").tempfile().expect("temp file");
        let gz = flate2::write::GzEncoder::new(file.reopen().expect("reopen"), flate2::Compression::fast());
        let mut builder = tar::Builder::new(gz);
        for (path, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).expect("append");
        }
        builder.into_inner().expect("tar").finish().expect("gzip");
        file
    }

    #[test]
    fn reads_the_wanted_regular_files() {
        let archive = tgz(&[("c/Chart.yaml", b"name: c\n"), ("c/templates/a.yaml", b"kind: A\n")]);
        let members = read_members(archive.path(), &|p| p.contains("/templates/")).expect("read");
        assert_eq!(members.len(), 1);
        assert_eq!((members[0].path.as_str(), members[0].text.as_str()), ("c/templates/a.yaml", "kind: A\n"));
        let name = member_name(&archive.path().display().to_string(), "c/Chart.yaml");
        assert_eq!(read_member(&name).as_deref(), Some("name: c\n"));
    }

    #[test]
    fn a_corrupt_or_cut_archive_gives_nothing() {
        let archive = tgz(&[("c/templates/a.yaml", &[b'x'; 4096])]);
        let bytes = std::fs::read(archive.path()).expect("read");
        let cut = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(cut.path(), &bytes[..bytes.len() / 2]).expect("write");
        assert!(read_members(cut.path(), &|_| true).is_none());
        std::fs::write(cut.path(), b"not a gzip stream").expect("write");
        assert!(read_members(cut.path(), &|_| true).is_none());
    }

    #[test]
    fn paths_leaving_the_archive_are_skipped() {
        assert_eq!(member_path(Path::new("./c/templates/a.yaml")).as_deref(), Some("c/templates/a.yaml"));
        assert_eq!(member_path(Path::new("../x")), None);
        assert_eq!(member_path(Path::new("/etc/x")), None);
    }
}
