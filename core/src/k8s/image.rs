//! Container image references (`nginx:1.27`, `registry:5000/team/app@sha256:…`), split and
//! normalised as container runtimes read them (the Docker reference grammar).
//!
//! ```text
//! reference  := name [":" tag] ["@" digest]
//! name       := [registry "/"] path
//! registry   := host [":" port]              a first component with ".", ":", upper case or
//!                                            "localhost"; otherwise the registry is docker.io
//! path       := component ("/" component)*   component: [a-z0-9]+ joined by ".", "_", "__", "-"+;
//!                                            at most 255 characters once normalised
//! tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! digest     := "sha256:" 64 hex | "sha384:" 96 hex | "sha512:" 128 hex   (lower-case hex)
//! ```
//! Validity is that of `ParseNormalizedNamed` in github.com/distribution/reference, which
//! kubelets and container runtimes parse images with (the differential test compares the two):
//! other digest algorithms are well-formed but unsupported, hence invalid; a reference that is
//! nothing but 64 hex digits is an image ID, not a name; and a first component that looks like a
//! host without being one (`my_registry.io/app`) is read as the start of the path when it is a
//! valid path component.
//! Normalisation: `index.docker.io` is `docker.io`, and a one-component path on Docker Hub is in
//! `library/`, so `nginx`, `docker.io/nginx` and `docker.io/library/nginx` are one repository. A
//! `:` before the last `/` belongs to a port, not a tag (`registry:5000/app` has no tag).
//!
//! [`ImageRef::parse`] always splits the text (so that rules can still talk about the tag of a
//! malformed reference such as `redis:`, whose tag is empty) and says separately whether the
//! reference is valid. An image is *pinned* when it carries a well-formed `sha256` digest (64
//! lower-case hex digits): the registry then serves exactly those bytes, whatever the tag says.
//!
//! [`allow_list_prefixes`] turns an allow-list entry (a registry, or a repository or repository
//! prefix written as an image name would be) into the normalised prefixes an image name is
//! matched against.

use serde::Serialize;

/// The registry an image without one comes from.
pub const DEFAULT_REGISTRY: &str = "docker.io";

/// Most characters the normalised repository (the path, with `library/` on Docker Hub) may have.
const NAME_MAX: usize = 255;

/// A container image reference, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRef {
    /// Normalised registry host (with its port): `docker.io`, `registry.example.com:5000`.
    pub registry: String,
    /// Normalised path in the registry: `library/nginx`, `team/app`.
    pub repository: String,
    /// `registry/repository`: the normalised name an allow-list is matched against.
    pub name: String,
    /// The tag as written; `Some("")` for a reference ending in `:` and `None` for no tag.
    pub tag: Option<String>,
    /// The digest as written (`sha256:…`), without the `@`.
    pub digest: Option<String>,
    /// Whether a well-formed sha256 digest pins the image.
    pub pinned: bool,
    /// Why the reference is not valid, if it is not.
    pub error: Option<String>,
}

impl ImageRef {
    /// Splits and checks a reference. Never fails: see [`ImageRef::error`].
    pub fn parse(text: &str) -> ImageRef {
        let (name_and_tag, digest) = match text.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (text, None),
        };
        let (name, tag) = split_tag(name_and_tag);
        let (registry, path) = split_registry(name);
        let (registry, repository) = normalise(registry, path);
        let pinned = digest.is_some_and(is_sha256_digest);
        let error = validate(text, name, registry_as_written(name), path, &repository, tag, digest).err();
        ImageRef {
            name: format!("{registry}/{repository}"),
            registry,
            repository,
            tag: tag.map(str::to_string),
            digest: digest.map(str::to_string),
            pinned,
            error,
        }
    }

    pub fn is_valid(&self) -> bool {
        self.error.is_none()
    }
}

/// `name[:tag]` → name and tag; a `:` followed later by a `/` is a registry port.
fn split_tag(text: &str) -> (&str, Option<&str>) {
    match text.rfind(':') {
        Some(colon) if !text[colon..].contains('/') => (&text[..colon], Some(&text[colon + 1..])),
        _ => (text, None),
    }
}

/// Whether the first path component names a registry rather than a repository.
fn names_registry(component: &str) -> bool {
    component.contains(['.', ':']) || component == "localhost" || component.chars().any(|c| c.is_ascii_uppercase())
}

/// `name` → (registry as written, or `None` for Docker Hub; path).
fn split_registry(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest)) if names_registry(first) => (Some(first), rest),
        _ => (None, name),
    }
}

fn registry_as_written(name: &str) -> Option<&str> {
    split_registry(name).0
}

fn normalise(registry: Option<&str>, path: &str) -> (String, String) {
    let registry = match registry {
        None | Some("index.docker.io") => DEFAULT_REGISTRY,
        Some(other) => other,
    };
    let repository =
        if registry == DEFAULT_REGISTRY && !path.contains('/') { format!("library/{path}") } else { path.to_string() };
    (registry.to_string(), repository)
}

fn validate(
    text: &str,
    name: &str,
    registry: Option<&str>,
    path: &str,
    repository: &str,
    tag: Option<&str>,
    digest: Option<&str>,
) -> Result<(), String> {
    if text.is_empty() {
        return Err("the image is empty".into());
    }
    if text.trim() != text {
        return Err("the image has leading or trailing white space".into());
    }
    if text.len() == 64 && text.bytes().all(is_lower_hex) {
        return Err("64 hex digits name an image ID, not an image".into());
    }
    // A first component that is no host but a valid path component: the whole name is the path.
    let (registry, path, repository) = match registry {
        Some(host) if check_registry(host).is_err() && is_path_component(host) => (None, name, name),
        _ => (registry, path, repository),
    };
    if repository.len() > NAME_MAX {
        return Err(format!("the repository name is longer than {NAME_MAX} characters"));
    }
    if let Some(registry) = registry {
        check_registry(registry)?;
    }
    check_path(path)?;
    if let Some(tag) = tag {
        check_tag(tag)?;
    }
    if let Some(digest) = digest {
        check_digest(digest)?;
    }
    Ok(())
}

/// `host[:port]`, host being DNS-like components or a bracketed IPv6 address.
fn check_registry(registry: &str) -> Result<(), String> {
    let bad = || Err(format!("{registry:?} is not a valid registry host"));
    let (host, port) = match registry.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((address, after)) if is_ipv6ish(address) => (None, after.strip_prefix(':')),
            _ => return bad(),
        },
        None => match registry.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(registry), None),
        },
    };
    if registry.starts_with('[') && port.is_none() && !registry.ends_with(']') {
        return bad();
    }
    if let Some(host) = host {
        if host.is_empty() || !host.split('.').all(is_domain_component) {
            return bad();
        }
    }
    match port {
        Some(port) if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => bad(),
        _ => Ok(()),
    }
}

fn is_ipv6ish(address: &str) -> bool {
    !address.is_empty() && address.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
}

fn is_domain_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: &u8| b.is_ascii_alphanumeric();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            alnum(first) && alnum(last) && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the repository name is empty".into());
    }
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("the repository name {path:?} must be lower case"));
    }
    if !path.split('/').all(is_path_component) {
        return Err(format!("{path:?} is not a valid repository name"));
    }
    Ok(())
}

/// `[a-z0-9]+` runs joined by one separator each: `.`, `_`, `__` or any number of `-`.
fn is_path_component(component: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut chars = component.chars().peekable();
    loop {
        // A run of letters and digits.
        let mut run = 0;
        while chars.peek().is_some_and(|c| alnum(*c)) {
            chars.next();
            run += 1;
        }
        if run == 0 {
            return false;
        }
        let Some(separator) = chars.next() else { return true };
        let valid_separator = match separator {
            '.' => true,
            '_' => {
                if chars.peek() == Some(&'_') {
                    chars.next();
                }
                true
            }
            '-' => {
                while chars.peek() == Some(&'-') {
                    chars.next();
                }
                true
            }
            _ => false,
        };
        if !valid_separator {
            return false;
        }
    }
}

fn check_tag(tag: &str) -> Result<(), String> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = tag.chars();
    let Some(first) = chars.next() else { return Err("the tag after \":\" is empty".into()) };
    if word(first) && tag.len() <= 128 && chars.all(|c| word(c) || c == '.' || c == '-') {
        Ok(())
    } else {
        Err(format!("{tag:?} is not a valid tag"))
    }
}

fn check_digest(digest: &str) -> Result<(), String> {
    let bad = || Err(format!("{digest:?} is not a valid digest (algorithm:hex)"));
    let Some((algorithm, hex)) = digest.split_once(':') else { return bad() };
    let component = |c: &str| {
        let mut chars = c.chars();
        chars.next().is_some_and(|f| f.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric())
    };
    let algorithm_ok = algorithm.split(['+', '.', '_', '-']).all(component);
    let hex_ok = hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    if !algorithm_ok || !hex_ok {
        return bad();
    }
    // The algorithms image digests are made with; other names fit the grammar but no runtime
    // can verify them.
    let digits = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err(format!("{digest:?} uses an unsupported digest algorithm (sha256, sha384 or sha512)")),
    };
    if hex.len() != digits || !hex.bytes().all(is_lower_hex) {
        return Err(format!("{digest:?} is not a {algorithm} digest: it needs {digits} lower-case hex digits"));
    }
    Ok(())
}

fn is_lower_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)
}

/// `sha256:` and exactly 64 lower-case hex digits.
fn is_sha256_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| hex.len() == 64 && hex.bytes().all(is_lower_hex))
}

/// Why an allow-list entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allowed registry {entry:?}: {reason}")]
pub struct AllowListError {
    pub entry: String,
    pub reason: String,
}

/// The normalised name prefixes an allow-list entry admits; an image is allowed when its
/// [`ImageRef::name`] equals a prefix or continues it with `/`.
///
/// - A registry host (`ghcr.io`, `registry.local:5000`, `localhost`) admits everything in it.
/// - Anything else is read as an image name without tag or digest and normalised like one:
///   `docker.io/library/nginx`, `docker.io/nginx` and `nginx` all admit `nginx:1.27`.
/// - A one-component Docker Hub entry (`bitnami`, `docker.io/bitnami`) also admits the Docker
///   Hub namespace of that name (`bitnami/redis`): such an entry is read both ways.
pub fn allow_list_prefixes(entry: &str) -> Result<Vec<String>, AllowListError> {
    let error = |reason: String| AllowListError { entry: entry.to_string(), reason };
    let trimmed = entry.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(error("the entry is empty".into()));
    }
    let tag_or_digest = || error("write a registry or repository, without a tag or digest".into());
    if trimmed.contains('@') {
        return Err(tag_or_digest());
    }
    if !trimmed.contains('/') && names_registry(trimmed) {
        // `nginx:1.27` looks like a host with a port until the port turns out not to be one.
        check_registry(trimmed).map_err(|e| if trimmed.contains(':') { tag_or_digest() } else { error(e) })?;
        let registry = if trimmed == "index.docker.io" { DEFAULT_REGISTRY } else { trimmed };
        return Ok(vec![registry.to_string()]);
    }
    if split_tag(trimmed).1.is_some() {
        return Err(tag_or_digest());
    }
    let (registry, path) = split_registry(trimmed);
    if let Some(registry) = registry {
        check_registry(registry).map_err(error)?;
    }
    check_path(path).map_err(error)?;
    let (registry, repository) = normalise(registry, path);
    let one_hub_component = registry == DEFAULT_REGISTRY && !path.contains('/');
    Ok(match path {
        // `docker.io/library` is the namespace of official images, not a repository in it.
        "library" if one_hub_component => vec![format!("{registry}/library")],
        _ if one_hub_component => vec![format!("{registry}/{repository}"), format!("{registry}/{path}")],
        _ => vec![format!("{registry}/{repository}")],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac";

    /// (reference, registry, repository, tag, digest, pinned, valid)
    #[allow(clippy::type_complexity)]
    fn cases() -> Vec<(String, &'static str, &'static str, Option<&'static str>, Option<String>, bool, bool)> {
        let hex = &SHA[7..];
        vec![
            ("nginx".into(), "docker.io", "library/nginx", None, None, false, true),
            ("nginx:1.27".into(), "docker.io", "library/nginx", Some("1.27"), None, false, true),
            ("nginx:latest".into(), "docker.io", "library/nginx", Some("latest"), None, false, true),
            ("docker.io/library/nginx".into(), "docker.io", "library/nginx", None, None, false, true),
            ("docker.io/nginx".into(), "docker.io", "library/nginx", None, None, false, true),
            ("index.docker.io/nginx".into(), "docker.io", "library/nginx", None, None, false, true),
            ("bitnami/redis:7.2".into(), "docker.io", "bitnami/redis", Some("7.2"), None, false, true),
            ("redis:".into(), "docker.io", "library/redis", Some(""), None, false, false),
            ("host:5000/app".into(), "host:5000", "app", None, None, false, true),
            ("host:5000/app:1.0".into(), "host:5000", "app", Some("1.0"), None, false, true),
            ("localhost/app".into(), "localhost", "app", None, None, false, true),
            ("localhost:5000/team/app:v2".into(), "localhost:5000", "team/app", Some("v2"), None, false, true),
            ("ghcr.io/acme/api:2.0.1".into(), "ghcr.io", "acme/api", Some("2.0.1"), None, false, true),
            (
                "registry.example.com/shop/storefront:2.4.1".into(),
                "registry.example.com",
                "shop/storefront",
                Some("2.4.1"),
                None,
                false,
                true,
            ),
            (format!("nginx@{SHA}"), "docker.io", "library/nginx", None, Some(SHA.into()), true, true),
            (format!("app:latest@{SHA}"), "docker.io", "library/app", Some("latest"), Some(SHA.into()), true, true),
            (format!("host:5000/app@{SHA}"), "host:5000", "app", None, Some(SHA.into()), true, true),
            ("app@sha256:abc".into(), "docker.io", "library/app", None, Some("sha256:abc".into()), false, false),
            (
                format!("app@sha256:{}", hex.to_uppercase()),
                "docker.io",
                "library/app",
                None,
                Some(format!("sha256:{}", hex.to_uppercase())),
                false,
                false,
            ),
            (
                format!("app@sha512:{hex}{hex}"),
                "docker.io",
                "library/app",
                None,
                Some(format!("sha512:{hex}{hex}")),
                false,
                true,
            ),
            ("Nginx".into(), "docker.io", "library/Nginx", None, None, false, false),
            ("Registry/app".into(), "Registry", "app", None, None, false, true),
            ("[::1]:5000/app".into(), "[::1]:5000", "app", None, None, false, true),
            ("192.168.1.1:5000/a_b__c--d.e".into(), "192.168.1.1:5000", "a_b__c--d.e", None, None, false, true),
            ("app:tag with space".into(), "docker.io", "library/app", Some("tag with space"), None, false, false),
            ("app:-bad".into(), "docker.io", "library/app", Some("-bad"), None, false, false),
            ("a/b/c/d:1".into(), "docker.io", "a/b/c/d", Some("1"), None, false, true),
            ("a..b".into(), "docker.io", "library/a..b", None, None, false, false),
            ("-a".into(), "docker.io", "library/-a", None, None, false, false),
            (" nginx".into(), "docker.io", "library/ nginx", None, None, false, false),
            ("".into(), "docker.io", "library/", None, None, false, false),
            ("host:port/app".into(), "host:port", "app", None, None, false, false),
            // Found by the differential test against github.com/distribution/reference: only
            // sha256, sha384 and sha512 digests of their exact length are valid; 64 hex digits
            // alone are an image ID; a host the grammar cannot read stays a (valid) name.
            (format!("app@md5:{hex}"), "docker.io", "library/app", None, Some(format!("md5:{hex}")), false, false),
            (
                format!("app@sha384:{hex}"),
                "docker.io",
                "library/app",
                None,
                Some(format!("sha384:{hex}")),
                false,
                false,
            ),
            (
                format!("app@sha512:{hex}"),
                "docker.io",
                "library/app",
                None,
                Some(format!("sha512:{hex}")),
                false,
                false,
            ),
            (
                hex.to_string(),
                "docker.io",
                "library/4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac",
                None,
                None,
                false,
                false,
            ),
            ("my_registry.io/app:1".into(), "my_registry.io", "app", Some("1"), None, false, true),
        ]
    }

    #[test]
    fn references_split_and_normalise() {
        let mut wrong = Vec::new();
        for (text, registry, repository, tag, digest, pinned, valid) in cases() {
            let image = ImageRef::parse(&text);
            let got = (
                image.registry.as_str(),
                image.repository.as_str(),
                image.tag.as_deref(),
                image.digest.clone(),
                image.pinned,
                image.is_valid(),
            );
            if got != (registry, repository, tag, digest.clone(), pinned, valid) {
                wrong.push(format!("{text:?}: got {got:?} ({:?})", image.error));
            }
            assert_eq!(image.name, format!("{}/{}", image.registry, image.repository));
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn docker_hub_spellings_are_one_name() {
        let names: Vec<String> =
            ["nginx", "docker.io/nginx", "docker.io/library/nginx", "index.docker.io/library/nginx:1"]
                .iter()
                .map(|t| ImageRef::parse(t).name)
                .collect();
        assert!(names.iter().all(|n| n == "docker.io/library/nginx"), "{names:?}");
    }

    #[test]
    fn tags_are_limited_to_128_characters() {
        assert!(ImageRef::parse(&format!("app:{}", "a".repeat(128))).is_valid());
        assert!(!ImageRef::parse(&format!("app:{}", "a".repeat(129))).is_valid());
        assert!(!ImageRef::parse(&format!("{}:1", "a".repeat(256))).is_valid());
    }

    #[test]
    fn the_normalised_repository_is_limited_to_255_characters() {
        // The registry does not count; Docker Hub's `library/` does.
        assert!(ImageRef::parse(&format!("registry.example.com/{}", "a".repeat(255))).is_valid());
        assert!(!ImageRef::parse(&format!("registry.example.com/{}", "a".repeat(256))).is_valid());
        assert!(ImageRef::parse(&"a".repeat(247)).is_valid());
        assert!(!ImageRef::parse(&"a".repeat(248)).is_valid());
    }

    #[test]
    fn allow_list_entries_become_prefixes() {
        let prefixes = |e: &str| allow_list_prefixes(e).map_err(|e| e.reason);
        assert_eq!(prefixes("ghcr.io"), Ok(vec!["ghcr.io".to_string()]));
        assert_eq!(prefixes("registry.local:5000/"), Ok(vec!["registry.local:5000".to_string()]));
        assert_eq!(prefixes("localhost"), Ok(vec!["localhost".to_string()]));
        assert_eq!(prefixes("docker.io"), Ok(vec!["docker.io".to_string()]));
        assert_eq!(prefixes("index.docker.io"), Ok(vec!["docker.io".to_string()]));
        assert_eq!(prefixes("ghcr.io/acme"), Ok(vec!["ghcr.io/acme".to_string()]));
        assert_eq!(prefixes("nginx"), Ok(vec!["docker.io/library/nginx".to_string(), "docker.io/nginx".to_string()]));
        assert_eq!(
            prefixes("docker.io/bitnami"),
            Ok(vec!["docker.io/library/bitnami".to_string(), "docker.io/bitnami".to_string()])
        );
        assert_eq!(prefixes("docker.io/library/nginx"), Ok(vec!["docker.io/library/nginx".to_string()]));
        assert_eq!(prefixes("docker.io/library"), Ok(vec!["docker.io/library".to_string()]));
        assert!(prefixes("nginx:1.27").is_err());
        assert!(prefixes(&format!("nginx@{SHA}")).is_err());
        assert!(prefixes("").is_err());
        assert!(prefixes("Acme/App").is_err());
        assert!(prefixes("bad host!").is_err());
    }
}
