//! Public keys as cosign writes them (`cosign.pub`: a PEM `PUBLIC KEY` block holding a DER
//! SubjectPublicKeyInfo), and checking a signature over exact payload bytes with one.
//!
//! Supported: ECDSA P-256 (cosign's default) and P-384 with DER signatures, Ed25519 (pure, over the
//! payload) and RSA with PKCS#1 v1.5 or PSS padding. Hashes: SHA-256, as cosign uses for key-based
//! signatures whatever the curve; for P-384 a SHA-384 signature is accepted too. All of it is pure
//! Rust (RustCrypto), so the wasm build verifies exactly as the CLI does.

use super::SignatureError;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::signature::Verifier as _;
use p256::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256, Sha384};

/// A public key signatures can be checked with.
#[derive(Clone, Debug)]
pub enum PublicKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(Box<rsa::RsaPublicKey>),
}

/// A trusted key: the name it was given under (a file name, say) and the key.
#[derive(Clone, Debug)]
pub struct TrustedKey {
    pub name: String,
    pub key: PublicKey,
    /// Lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo.
    pub fingerprint: String,
}

impl TrustedKey {
    /// Reads a PEM public key; `name` is how messages refer to it.
    pub fn from_pem(name: &str, text: &str) -> Result<TrustedKey, SignatureError> {
        let error = |message: String| SignatureError { location: name.to_string(), message };
        let (key, der) = parse_public_key_pem(text).map_err(error)?;
        Ok(TrustedKey { name: name.to_string(), key, fingerprint: fingerprint(&der) })
    }
}

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

fn fingerprint(der: &[u8]) -> String {
    sha256_hex(der)
}

/// A PEM public key → the key and its DER bytes. The error says what the text is instead.
pub fn parse_public_key_pem(text: &str) -> Result<(PublicKey, Vec<u8>), String> {
    let (label, der) = pem_block(text)?;
    match label.as_str() {
        "PUBLIC KEY" => parse_spki_der(&der).map(|key| (key, der)),
        "CERTIFICATE" => Err("this is a certificate; certificate (keyless) verification is not supported offline: \
                              give the signer's public key"
            .into()),
        other if other.contains("PRIVATE KEY") => {
            Err(format!("this is a private key ({other}); give the public key (cosign.pub), never the private one"))
        }
        other => Err(format!("a PEM \"{other}\" block is not a public key; expected \"-----BEGIN PUBLIC KEY-----\"")),
    }
}

/// The first PEM block: its label and decoded contents.
fn pem_block(text: &str) -> Result<(String, Vec<u8>), String> {
    let mut lines = text.lines().map(str::trim);
    let begin = lines
        .by_ref()
        .find_map(|line| line.strip_prefix("-----BEGIN ").and_then(|rest| rest.strip_suffix("-----")))
        .ok_or("not a PEM file: no \"-----BEGIN PUBLIC KEY-----\" line")?
        .to_string();
    let mut body = String::new();
    for line in lines.by_ref() {
        if let Some(end) = line.strip_prefix("-----END ").and_then(|rest| rest.strip_suffix("-----")) {
            if end != begin {
                return Err(format!("PEM block \"{begin}\" ends with \"{end}\""));
            }
            let der = data_encoding::BASE64
                .decode(body.as_bytes())
                .map_err(|e| format!("the PEM block's base64 is damaged: {e}"))?;
            return Ok((begin, der));
        }
        body.push_str(line);
    }
    Err(format!("PEM block \"{begin}\" has no END line"))
}

/// A DER SubjectPublicKeyInfo of a supported algorithm.
fn parse_spki_der(der: &[u8]) -> Result<PublicKey, String> {
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
        return Ok(PublicKey::P256(key));
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
        return Ok(PublicKey::P384(key));
    }
    if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
        return Ok(PublicKey::Ed25519(key));
    }
    if let Ok(key) = rsa::RsaPublicKey::from_public_key_der(der) {
        return Ok(PublicKey::Rsa(Box::new(key)));
    }
    Err("unsupported public key: expected ECDSA P-256 or P-384, Ed25519 or RSA".into())
}

impl PublicKey {
    /// Whether `signature` is this key's signature over exactly `payload`.
    pub fn verifies(&self, payload: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::P256(key) => {
                p256::ecdsa::DerSignature::from_bytes(signature).is_ok_and(|sig| key.verify(payload, &sig).is_ok())
            }
            PublicKey::P384(key) => p384::ecdsa::DerSignature::from_bytes(signature).is_ok_and(|sig| {
                key.verify_prehash(&Sha256::digest(payload), &sig).is_ok()
                    || key.verify_prehash(&Sha384::digest(payload), &sig).is_ok()
            }),
            PublicKey::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(payload, &sig).is_ok()),
            PublicKey::Rsa(key) => rsa_verifies(key, payload, signature),
        }
    }

    /// The algorithm, for messages.
    pub fn algorithm(&self) -> &'static str {
        match self {
            PublicKey::P256(_) => "ECDSA P-256",
            PublicKey::P384(_) => "ECDSA P-384",
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::Rsa(_) => "RSA",
        }
    }
}

fn rsa_verifies(key: &rsa::RsaPublicKey, payload: &[u8], signature: &[u8]) -> bool {
    let pkcs1 = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone());
    let pss = rsa::pss::VerifyingKey::<Sha256>::new(key.clone());
    let pkcs1_ok = rsa::pkcs1v15::Signature::try_from(signature).is_ok_and(|sig| pkcs1.verify(payload, &sig).is_ok());
    pkcs1_ok || rsa::pss::Signature::try_from(signature).is_ok_and(|sig| pss.verify(payload, &sig).is_ok())
}
