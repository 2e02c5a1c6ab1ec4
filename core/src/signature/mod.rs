//! Offline cosign signature verification: is this image, pinned by digest, signed by a key we
//! trust?
//!
//! Data flow: the frontend reads trusted public keys ([`TrustedKey::from_pem`]) and signature
//! material ([`SignatureSource`]: `cosign download signature` output or a `cosign save` layout)
//! from wherever the user keeps them and hands over their texts. [`Verifier::new`] reads every
//! signature (`material`) and does the cryptography once, up front: for each signature, which
//! trusted key (if any) verifies it over the exact payload bytes (`keys`). Per image,
//! [`Verifier::verify`] is then only lookups: the image must be pinned by a sha256 digest, and
//! some signature stored for (or claiming) that digest must be by a trusted key, with a payload
//! whose `critical.image.docker-manifest-digest` is the digest and whose
//! `critical.identity.docker-reference` names the image's repository (normalised as
//! `crate::k8s::image` does: `nginx` ≡ `docker.io/library/nginx`).
//!
//! A [`Verdict`] says precisely why an image fails (see [`Status`]). Without a certificate or a
//! transparency-log entry a raw signature does not say which key made it, so "made by an
//! untrusted key" is only reported when the material names the key (the `Bundle` cosign records);
//! otherwise a signature no trusted key verifies is reported as invalid, and the message says both
//! causes are possible.
//!
//! Out of scope: keyless signatures (Fulcio certificates) and checking Rekor bundles: both need
//! the Sigstore trust root and are reported as not verifiable offline.

pub(crate) mod keys;
pub(crate) mod material;

pub use keys::{PublicKey, TrustedKey};
pub use material::SignatureSource;

use crate::k8s::image::ImageRef;
use material::{Entry, SignerHint};
use serde::Serialize;

/// Why a key or signature material cannot be used: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct SignatureError {
    /// The key or file (with a line, or a path inside a layout).
    pub location: String,
    pub message: String,
}

/// The outcome for one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A trusted key signed this digest of this repository.
    Verified,
    /// The image has no sha256 digest: there is no exact image to verify.
    NotPinned,
    /// The reference is pinned but not valid (a malformed repository name, say).
    InvalidReference,
    /// No signature in the material is for the image's digest.
    NoSignature,
    /// No trusted key verifies the signature over its payload.
    InvalidSignature,
    /// The signature verifies with the key the material names, and that key is not trusted.
    UntrustedKey,
    /// The signature is keyless (a certificate); not verifiable offline.
    Keyless,
    /// A trusted key signed a payload naming another digest.
    DigestMismatch,
    /// A trusted key signed a payload naming another repository.
    RepositoryMismatch,
}

impl Status {
    /// How close a failure came to passing: the closest one explains an image best.
    fn closeness(self) -> u8 {
        match self {
            Status::Verified => 9,
            Status::RepositoryMismatch => 8,
            Status::DigestMismatch => 7,
            Status::UntrustedKey => 6,
            Status::Keyless => 5,
            Status::InvalidSignature => 4,
            Status::NoSignature => 3,
            Status::InvalidReference => 2,
            Status::NotPinned => 1,
        }
    }
}

/// What verification found for one image, as policies read it (`plimsoll.signature.verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub verified: bool,
    pub status: Status,
    /// Why, in a sentence that can follow "image X: ".
    pub message: String,
    /// The trusted key that verified the signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Where the deciding signature was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// Who made a signature, as far as the cryptography can tell.
#[derive(Debug, Clone)]
enum Signer {
    /// The trusted key at this index verifies it.
    Trusted(usize),
    /// The key the material names verifies it, and it is not trusted (fingerprint).
    Untrusted(String),
    Keyless,
    Unknown,
}

#[derive(Debug, Clone)]
struct Checked {
    entry: Entry,
    /// The digest the signature counts for: where the material stores it, else what it claims.
    subject: String,
    signer: Signer,
}

/// Trusted keys and every signature, checked once.
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: Vec<TrustedKey>,
    signatures: Vec<Checked>,
}

impl Verifier {
    /// Reads the material and checks every signature against the keys.
    pub fn new(keys: Vec<TrustedKey>, sources: &[SignatureSource]) -> Result<Verifier, SignatureError> {
        let mut signatures = Vec::new();
        for source in sources {
            for entry in source.entries()? {
                let signer = signer(&keys, &entry);
                let subject = entry.attached_to.clone().unwrap_or_else(|| entry.claim.digest.clone());
                signatures.push(Checked { entry, subject, signer });
            }
        }
        Ok(Verifier { keys, signatures })
    }

    /// The trusted keys' names.
    pub fn key_names(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.name.clone()).collect()
    }

    /// How many signatures the material holds.
    pub fn signature_count(&self) -> usize {
        self.signatures.len()
    }

    /// Verifies an image reference as written in a manifest.
    pub fn verify(&self, image: &str) -> Verdict {
        let image = ImageRef::parse(image);
        let Some(digest) = image.digest.as_deref().filter(|_| image.pinned) else {
            let message = "it is not pinned by a sha256 digest, so no signature can be verified for it (refer to it \
                           as name@sha256:…)";
            return failure(Status::NotPinned, message.into(), None);
        };
        if let Some(error) = &image.error {
            return failure(Status::InvalidReference, format!("it is not a valid image reference: {error}"), None);
        }
        let candidates: Vec<&Checked> = self.signatures.iter().filter(|c| c.subject == digest).collect();
        if candidates.is_empty() {
            return failure(Status::NoSignature, self.no_signature_message(), None);
        }
        let verdicts = candidates.iter().map(|c| self.judge(c, &image, digest));
        let Some(best) = verdicts.max_by_key(|v| v.status.closeness()) else {
            return failure(Status::NoSignature, self.no_signature_message(), None);
        };
        if best.verified || candidates.len() == 1 {
            return best;
        }
        let message =
            format!("none of the {} signatures for {digest} is valid; the closest: {}", candidates.len(), best.message);
        Verdict { message, ..best }
    }

    fn no_signature_message(&self) -> String {
        match self.signatures.len() {
            0 => "no signature found for its digest: no signature material was given".into(),
            n => format!("no signature found for its digest in the signature material ({n} signatures read)"),
        }
    }

    /// The verdict one signature gives an image.
    fn judge(&self, checked: &Checked, image: &ImageRef, digest: &str) -> Verdict {
        let entry = &checked.entry;
        let origin = Some(entry.origin.clone());
        let key_index = match &checked.signer {
            Signer::Trusted(index) => *index,
            Signer::Untrusted(fingerprint) => {
                let message = format!(
                    "the signature in {} was made by a key that is not trusted (SHA-256 fingerprint {})",
                    entry.origin,
                    &fingerprint[..16.min(fingerprint.len())]
                );
                return failure(Status::UntrustedKey, message, origin);
            }
            Signer::Keyless => {
                let message = format!(
                    "the signature in {} is keyless (a Fulcio certificate), which is not verified offline; \
                     sign with a key and trust its public key",
                    entry.origin
                );
                return failure(Status::Keyless, message, origin);
            }
            Signer::Unknown => return failure(Status::InvalidSignature, self.invalid_message(entry), origin),
        };
        let key = self.keys.get(key_index).map(|k| k.name.clone()).unwrap_or_default();
        let by = format!("the signature in {} is by trusted key {key}, but its payload names", entry.origin);
        if entry.claim.digest != digest {
            let message = format!("{by} another digest, {}: it was made for another image", entry.claim.digest);
            return failure(Status::DigestMismatch, message, origin);
        }
        let claimed = ImageRef::parse(&entry.claim.reference);
        if claimed.name != image.name {
            let message = format!("{by} another repository, {} (the image is {})", entry.claim.reference, image.name);
            return failure(Status::RepositoryMismatch, message, origin);
        }
        let message = format!("signed by trusted key {key} ({})", entry.origin);
        Verdict { verified: true, status: Status::Verified, message, key: Some(key), signature: origin }
    }

    fn invalid_message(&self, entry: &Entry) -> String {
        if entry.altered {
            return format!(
                "the signature in {} does not verify: its payload does not match the digest its manifest records \
                 (altered after signing)",
                entry.origin
            );
        }
        let keys = match self.keys.as_slice() {
            [one] => format!("the trusted key {}", one.name),
            many => format!("any of the {} trusted keys", many.len()),
        };
        format!(
            "the signature in {} does not verify with {keys}: the payload or signature was altered, or a key that \
             is not trusted made it",
            entry.origin
        )
    }
}

fn failure(status: Status, message: String, signature: Option<String>) -> Verdict {
    Verdict { verified: false, status, message, key: None, signature }
}

/// Which key made a signature: a trusted one if any verifies it, else the one the material names.
fn signer(keys: &[TrustedKey], entry: &Entry) -> Signer {
    if let Some(index) = keys.iter().position(|k| k.key.verifies(&entry.payload, &entry.signature)) {
        return Signer::Trusted(index);
    }
    match &entry.hint {
        Some(SignerHint::Key(key, fingerprint)) if key.verifies(&entry.payload, &entry.signature) => {
            Signer::Untrusted(fingerprint.clone())
        }
        Some(SignerHint::Certificate) => Signer::Keyless,
        _ => Signer::Unknown,
    }
}

#[cfg(test)]
mod tests;
