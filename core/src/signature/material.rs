//! Reading signature material into [`Entry`]s: the JSON lines `cosign download signature`
//! prints, and OCI image layouts as `cosign save` writes them.
//!
//! `cosign download signature IMAGE` prints one JSON object per signature: `Base64Signature`
//! (the signature, base64), `Payload` (the signed bytes, base64), `Cert` and `Chain` (null for
//! key-based signatures) and `Bundle` (the transparency-log entry, when one was made). A layout
//! is `index.json` → manifests → `blobs/sha256/<hex>`: `cosign save` annotates the signed image's
//! manifest `kind: dev.cosignproject.cosign/image` (or `…/imageIndex`) and the signature image's
//! `kind: dev.cosignproject.cosign/sigs`; a layout written by other tools may instead name the
//! signature image by its registry tag, `sha256-<hex>.sig`. Each layer of a signature image
//! with the simple-signing media type is one signature: the layer blob is the payload and its
//! `dev.cosignproject.cosign/signature` annotation the signature.
//!
//! Nothing here decides trust: entries carry what the material says (which digest a signature is
//! stored for, which key a transparency-log entry names) for [`super::Verifier`] to check.

use super::keys::{parse_public_key_pem, sha256_hex, PublicKey};
use super::SignatureError;
use serde_json::Value;
use std::collections::BTreeMap;

/// The layer media type of a cosign signature: the payload is a simple-signing document.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// The layer annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
const KIND_ANNOTATION: &str = "kind";
const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";
const KIND_SIGNATURES: &str = "dev.cosignproject.cosign/sigs";
const SIGNED_KINDS: [&str; 2] = ["dev.cosignproject.cosign/image", "dev.cosignproject.cosign/imageIndex"];

/// Signature material as a frontend hands it in (core never reads files itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureSource {
    /// What `cosign download signature IMAGE` prints: one JSON object per line. `name` is how
    /// messages refer to it (`signatures/app.jsonl`); lines are numbered from 1.
    DownloadLines { name: String, text: String },
    /// An OCI image layout as `cosign save` writes it: every file by its path relative to the
    /// layout's directory (`index.json`, `blobs/sha256/<hex>`, …) with its contents.
    OciLayout { name: String, files: BTreeMap<String, Vec<u8>> },
}

/// What a simple-signing payload claims: `critical.image.docker-manifest-digest` and
/// `critical.identity.docker-reference`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub digest: String,
    pub reference: String,
}

/// Who the material says made a signature (unverified: a hint for explaining failures).
#[derive(Debug, Clone)]
pub enum SignerHint {
    /// The public key a transparency-log entry records.
    Key(Box<PublicKey>, String),
    /// A certificate: a keyless signature.
    Certificate,
}

/// One signature read from the material.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Where it was read: `file:line`, or the layout and the signature's number in it.
    pub origin: String,
    pub signature: Vec<u8>,
    /// The exact signed bytes.
    pub payload: Vec<u8>,
    pub claim: Claim,
    /// The digest the material stores the signature for, when it says (a layout does).
    pub attached_to: Option<String>,
    pub hint: Option<SignerHint>,
    /// The payload does not hash to the digest its manifest records.
    pub altered: bool,
}

impl SignatureSource {
    /// The name messages use.
    pub fn name(&self) -> &str {
        match self {
            SignatureSource::DownloadLines { name, .. } | SignatureSource::OciLayout { name, .. } => name,
        }
    }

    /// Every signature in the material; a malformed file is an error naming the place.
    pub fn entries(&self) -> Result<Vec<Entry>, SignatureError> {
        match self {
            SignatureSource::DownloadLines { name, text } => download_lines(name, text),
            SignatureSource::OciLayout { name, files } => Layout { name, files }.entries(),
        }
    }
}

fn fail<T>(source: &str, message: impl Into<String>) -> Result<T, SignatureError> {
    Err(SignatureError { location: source.to_string(), message: message.into() })
}

fn base64(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE64.decode(text.trim().as_bytes()).ok()
}

// ---------------------------------------------------------------------------------------------
// `cosign download signature` output.

fn download_lines(name: &str, text: &str) -> Result<Vec<Entry>, SignatureError> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        entries.push(download_line(&format!("{name}:{}", index + 1), line)?);
    }
    if entries.is_empty() {
        return fail(name, "no signature in the file (expected the JSON lines `cosign download signature` prints)");
    }
    Ok(entries)
}

fn download_line(origin: &str, line: &str) -> Result<Entry, SignatureError> {
    let value: Value = match serde_json::from_str(line) {
        Ok(value @ Value::Object(_)) => value,
        Ok(_) => return fail(origin, "expected a JSON object with Base64Signature and Payload"),
        Err(error) => return fail(origin, format!("not JSON: {error}")),
    };
    let media_type = value.get("mediaType").and_then(Value::as_str).unwrap_or("");
    if media_type.starts_with("application/vnd.dev.sigstore.bundle") {
        return fail(
            origin,
            "a Sigstore bundle (cosign's new bundle format) is not supported yet; \
                             only classic signatures (Base64Signature, Payload) are read",
        );
    }
    let text_field = |key: &str| match value.get(key) {
        Some(Value::String(text)) => Ok(text.as_str()),
        Some(_) => fail(origin, format!("{key} must be a base64 string")),
        None => fail(origin, format!("no {key} field (expected the JSON `cosign download signature` prints)")),
    };
    let signature = base64(text_field("Base64Signature")?);
    let Some(signature) = signature else { return fail(origin, "Base64Signature is not valid base64") };
    let Some(payload) = base64(text_field("Payload")?) else { return fail(origin, "Payload is not valid base64") };
    let claim = parse_claim(&payload).or_else(|message| fail(origin, message))?;
    let hint = match value.get("Cert") {
        Some(cert) if !cert.is_null() => Some(SignerHint::Certificate),
        _ => value.get("Bundle").and_then(bundle_hint),
    };
    Ok(Entry { origin: origin.to_string(), signature, payload, claim, attached_to: None, hint, altered: false })
}

/// The signer a transparency-log bundle records: `Payload.body` is the base64 log entry, whose
/// `spec.signature.publicKey.content` is the base64 PEM of a public key or certificate.
fn bundle_hint(bundle: &Value) -> Option<SignerHint> {
    let body = base64(bundle.get("Payload")?.get("body")?.as_str()?)?;
    let entry: Value = serde_json::from_slice(&body).ok()?;
    let content = entry.get("spec")?.get("signature")?.get("publicKey")?.get("content")?.as_str()?;
    let pem = String::from_utf8(base64(content)?).ok()?;
    if pem.contains("BEGIN CERTIFICATE") {
        return Some(SignerHint::Certificate);
    }
    let (key, der) = parse_public_key_pem(&pem).ok()?;
    Some(SignerHint::Key(Box::new(key), sha256_hex(&der)))
}

/// Reads a simple-signing payload's claims.
pub fn parse_claim(payload: &[u8]) -> Result<Claim, String> {
    let not_simple_signing = |why: &str| format!("the payload is not a cosign simple-signing document: {why}");
    let value: Value = serde_json::from_slice(payload).map_err(|e| not_simple_signing(&e.to_string()))?;
    let critical = value.get("critical").ok_or_else(|| not_simple_signing("no \"critical\" section"))?;
    let text = |section: &str, key: &str| {
        critical.get(section).and_then(|s| s.get(key)).and_then(Value::as_str).map(str::to_string)
    };
    let digest = text("image", "docker-manifest-digest")
        .ok_or_else(|| not_simple_signing("no critical.image.docker-manifest-digest"))?;
    let reference = text("identity", "docker-reference")
        .ok_or_else(|| not_simple_signing("no critical.identity.docker-reference"))?;
    Ok(Claim { digest, reference })
}

// ---------------------------------------------------------------------------------------------
// OCI image layouts.

struct Layout<'a> {
    name: &'a str,
    files: &'a BTreeMap<String, Vec<u8>>,
}

impl Layout<'_> {
    fn entries(&self) -> Result<Vec<Entry>, SignatureError> {
        let index = self.json("index.json")?;
        let Some(manifests) = index.get("manifests").and_then(Value::as_array) else {
            return fail(&self.at("index.json"), "no \"manifests\" list: not an OCI image index");
        };
        let signed =
            manifests.iter().find(|m| SIGNED_KINDS.contains(&annotation(m, KIND_ANNOTATION))).and_then(digest_of);
        let mut entries = Vec::new();
        for manifest in manifests {
            let tagged_for = signature_tag_digest(annotation(manifest, REF_NAME_ANNOTATION));
            let kind = annotation(manifest, KIND_ANNOTATION);
            let attached_to = match (tagged_for, kind) {
                (Some(digest), _) => Some(digest),
                (None, KIND_SIGNATURES) => signed.map(str::to_string),
                // Images, attestations and anything else named by cosign are not signatures.
                (None, kind) if !kind.is_empty() => continue,
                (None, _) => None,
            };
            self.manifest_entries(manifest, attached_to, &mut entries)?;
        }
        if entries.is_empty() {
            return fail(self.name, "no cosign signature in the layout (no manifest has simple-signing layers)");
        }
        Ok(entries)
    }

    /// The signatures of one signature manifest (none if it has no simple-signing layer).
    fn manifest_entries(
        &self,
        descriptor: &Value,
        attached_to: Option<String>,
        entries: &mut Vec<Entry>,
    ) -> Result<(), SignatureError> {
        let Some(digest) = digest_of(descriptor) else {
            return fail(&self.at("index.json"), "a manifest descriptor has no valid \"digest\"");
        };
        let manifest = self.json(&blob_path(digest))?;
        let layers = manifest.get("layers").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for layer in
            layers.iter().filter(|l| l.get("mediaType").and_then(Value::as_str) == Some(SIMPLE_SIGNING_MEDIA_TYPE))
        {
            let origin = format!("{} (signature {})", self.name, entries.len() + 1);
            let Some(layer_digest) = digest_of(layer) else { return fail(&origin, "a layer has no valid \"digest\"") };
            let annotation_text = annotation(layer, SIGNATURE_ANNOTATION);
            if annotation_text.is_empty() {
                return fail(&origin, format!("the layer has no {SIGNATURE_ANNOTATION} annotation"));
            }
            let Some(signature) = base64(annotation_text) else {
                return fail(&origin, format!("the {SIGNATURE_ANNOTATION} annotation is not valid base64"));
            };
            let payload = self.file(&blob_path(layer_digest))?.to_vec();
            let claim = parse_claim(&payload).or_else(|message| fail(&origin, message))?;
            let altered = format!("sha256:{}", sha256_hex(&payload)) != layer_digest;
            let hint = if !annotation(layer, CERTIFICATE_ANNOTATION).is_empty() {
                Some(SignerHint::Certificate)
            } else {
                serde_json::from_str::<Value>(annotation(layer, BUNDLE_ANNOTATION)).ok().as_ref().and_then(bundle_hint)
            };
            entries.push(Entry { origin, signature, payload, claim, attached_to: attached_to.clone(), hint, altered });
        }
        Ok(())
    }

    fn at(&self, path: &str) -> String {
        format!("{}/{path}", self.name)
    }

    fn file(&self, path: &str) -> Result<&[u8], SignatureError> {
        match self.files.get(path) {
            Some(bytes) => Ok(bytes),
            None if path == "index.json" => {
                fail(self.name, "no index.json: not an OCI image layout (`cosign save` writes one)")
            }
            None => fail(&self.at(path), "missing: the layout refers to this blob but does not hold it"),
        }
    }

    fn json(&self, path: &str) -> Result<Value, SignatureError> {
        serde_json::from_slice(self.file(path)?).or_else(|e| fail(&self.at(path), format!("not JSON: {e}")))
    }
}

fn annotation<'v>(descriptor: &'v Value, key: &str) -> &'v str {
    descriptor.get("annotations").and_then(|a| a.get(key)).and_then(Value::as_str).unwrap_or("")
}

/// A descriptor's `sha256:<64 hex>` digest.
fn digest_of(descriptor: &Value) -> Option<&str> {
    descriptor.get("digest").and_then(Value::as_str).filter(|d| is_sha256_digest(d))
}

fn is_sha256_digest(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn blob_path(digest: &str) -> String {
    digest.split_once(':').map_or_else(String::new, |(algorithm, hex)| format!("blobs/{algorithm}/{hex}"))
}

/// The digest a signature tag is for: `sha256-<hex>.sig`, possibly after `repository:`.
fn signature_tag_digest(reference: &str) -> Option<String> {
    let tag = reference.rsplit(['/', ':']).next()?;
    let hex = tag.strip_prefix("sha256-")?.strip_suffix(".sig")?;
    let digest = format!("sha256:{hex}");
    is_sha256_digest(&digest).then_some(digest)
}
