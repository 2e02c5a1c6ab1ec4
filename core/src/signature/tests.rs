//! Verification against the committed fixtures: signatures made with openssl
//! (`testdata/supply-chain/make-fixtures.sh`) and by other implementations (`upstream/`).

use super::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/supply-chain")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `images.env`: NAME=digest.
fn digest(name: &str) -> String {
    let env = read("images.env");
    let found = env.lines().find_map(|line| line.strip_prefix(&format!("{name}=")));
    found.map(str::to_string).unwrap_or_else(|| panic!("no {name} in images.env"))
}

fn key(path: &str) -> TrustedKey {
    TrustedKey::from_pem(path, &read(path)).unwrap_or_else(|e| panic!("{e}"))
}

fn lines(path: &str) -> SignatureSource {
    SignatureSource::DownloadLines { name: path.into(), text: read(path) }
}

fn layout(dir: &str) -> SignatureSource {
    let root = fixtures().join(dir);
    let mut files = BTreeMap::new();
    let mut pending = vec![root.clone()];
    while let Some(path) = pending.pop() {
        for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative =
                    path.strip_prefix(&root).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
                files.insert(relative, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    SignatureSource::OciLayout { name: dir.into(), files }
}

const TRUSTED: [&str; 4] =
    ["keys/trusted-p256.pub", "keys/trusted-p384.pub", "keys/trusted-ed25519.pub", "keys/trusted-rsa.pub"];

fn all_material() -> Vec<SignatureSource> {
    let mut sources: Vec<SignatureSource> = ["app", "worker", "cron", "tampered", "rogue", "anonymous", "keyless"]
        .iter()
        .map(|n| lines(&format!("signatures/{n}.jsonl")))
        .collect();
    sources.push(layout("layouts/api"));
    sources.push(layout("layouts/replay"));
    sources
}

fn verifier() -> Verifier {
    Verifier::new(TRUSTED.iter().map(|k| key(k)).collect(), &all_material()).unwrap_or_else(|e| panic!("{e}"))
}

fn status(image: &str) -> (Status, String) {
    let verdict = verifier().verify(image);
    (verdict.status, verdict.message)
}

#[test]
fn every_key_type_verifies_its_signature() {
    let verifier = verifier();
    for (image, key) in [
        (format!("ghcr.io/acme/app@{}", digest("APP")), "keys/trusted-p256.pub"),
        (format!("ghcr.io/acme/worker:2.1@{}", digest("WORKER")), "keys/trusted-p384.pub"),
        (format!("ghcr.io/acme/cron@{}", digest("CRON")), "keys/trusted-rsa.pub"),
        (format!("ghcr.io/acme/api@{}", digest("API")), "keys/trusted-ed25519.pub"),
    ] {
        let verdict = verifier.verify(&image);
        assert_eq!(
            (verdict.status, verdict.key.as_deref()),
            (Status::Verified, Some(key)),
            "{image}: {}",
            verdict.message
        );
    }
}

#[test]
fn failures_say_why() {
    let cases = [
        (format!("ghcr.io/acme/app:1.0"), Status::NotPinned, "not pinned"),
        (format!("ghcr.io/acme/unsigned@{}", digest("UNSIGNED")), Status::NoSignature, "no signature found"),
        (format!("ghcr.io/acme/tampered@{}", digest("TAMPERED")), Status::InvalidSignature, "does not verify"),
        (format!("ghcr.io/acme/rogue@{}", digest("ROGUE")), Status::UntrustedKey, "not trusted"),
        (
            format!("ghcr.io/acme/anonymous@{}", digest("ANONYMOUS")),
            Status::InvalidSignature,
            "or a key that is not trusted",
        ),
        (format!("ghcr.io/acme/keyless@{}", digest("KEYLESS")), Status::Keyless, "keyless"),
        (format!("ghcr.io/acme/app@{}", digest("REPLAY")), Status::DigestMismatch, "another digest"),
        (format!("ghcr.io/evil/app@{}", digest("APP")), Status::RepositoryMismatch, "another repository"),
    ];
    for (image, expected, words) in cases {
        let (status, message) = status(&image);
        assert_eq!(status, expected, "{image}: {message}");
        assert!(message.contains(words), "{image}: {message}");
    }
}

#[test]
fn docker_hub_spellings_name_one_repository() {
    let pem = read("upstream/sigstore-rs-cosign.pub");
    let keys = vec![TrustedKey::from_pem("cosign.pub", &pem).unwrap_or_else(|e| panic!("{e}"))];
    let verifier = Verifier::new(keys, &[lines("upstream/busybox.jsonl")]).unwrap_or_else(|e| panic!("{e}"));
    let digest = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";
    assert!(verifier.verify(&format!("registry-testing.svc.lan/busybox@{digest}")).verified);
    let other = verifier.verify(&format!("busybox@{digest}"));
    assert_eq!(other.status, Status::RepositoryMismatch, "{}", other.message);
}

#[test]
fn signatures_from_other_implementations_verify() {
    for (key_file, material, image) in [
        (
            "upstream/sigstore-rs-cosign.pub",
            "upstream/busybox.jsonl",
            "registry-testing.svc.lan/busybox@sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b",
        ),
        (
            "upstream/suse-obs-rsa.pub",
            "upstream/suse-toolbox.jsonl",
            "registry.suse.com/suse/sle-micro/5.0/toolbox@sha256:356631f7603526a0af827741f5fe005acf19b7ef7705a34241a91c2d47a6db5e",
        ),
    ] {
        let verifier = Verifier::new(vec![key(key_file)], &[lines(material)]).unwrap_or_else(|e| panic!("{e}"));
        let verdict = verifier.verify(image);
        assert!(verdict.verified, "{image}: {}", verdict.message);
        // The other upstream key does not verify it.
        let other = if key_file.contains("suse") { "upstream/sigstore-rs-cosign.pub" } else { "upstream/suse-obs-rsa.pub" };
        let verifier = Verifier::new(vec![key(other)], &[lines(material)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verifier.verify(image).status, Status::InvalidSignature);
    }
}

#[test]
fn a_wrong_key_does_not_verify() {
    let verifier = Verifier::new(vec![key("keys/untrusted-p256.pub")], &[lines("signatures/app.jsonl")])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verifier.verify(&format!("ghcr.io/acme/app@{}", digest("APP"))).status, Status::InvalidSignature);
}

#[test]
fn malformed_keys_are_errors_that_say_what_the_file_is() {
    let error = |text: &str| TrustedKey::from_pem("k.pub", text).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error("").contains("not a PEM file"));
    assert!(error("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n").contains("private key"));
    assert!(error("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").contains("certificate"));
    assert!(error("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n").contains("base64"));
    assert!(error("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").contains("unsupported public key"));
    assert!(error("-----BEGIN PUBLIC KEY-----\nAAAA\n").contains("no END line"));
    assert!(error(&read("keys/trusted-p256.pub")).is_empty());
}

#[test]
fn malformed_material_is_an_error_with_its_place() {
    let error = |text: &str| {
        let source = SignatureSource::DownloadLines { name: "sigs.jsonl".into(), text: text.into() };
        source.entries().err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert_eq!(
        error(""),
        "sigs.jsonl: no signature in the file (expected the JSON lines `cosign download signature` prints)"
    );
    assert!(error("\n{").starts_with("sigs.jsonl:2: not JSON"));
    assert!(error("[]").contains("expected a JSON object"));
    assert!(error(r#"{"Payload": "e30="}"#).contains("no Base64Signature field"));
    assert!(error(r#"{"Base64Signature": "***", "Payload": "e30="}"#).contains("not valid base64"));
    assert!(error(r#"{"Base64Signature": "AAAA", "Payload": "e30="}"#).contains("not a cosign simple-signing document"));
    assert!(error(r#"{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}"#).contains("not supported yet"));

    let layout_error = |files: &[(&str, &str)]| {
        let files = files.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect();
        SignatureSource::OciLayout { name: "dir".into(), files }
            .entries()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(layout_error(&[]).contains("no index.json"));
    assert!(layout_error(&[("index.json", "{")]).starts_with("dir/index.json: not JSON"));
    assert!(layout_error(&[("index.json", "{}")]).contains("no \"manifests\" list"));
    let missing = format!(r#"{{"manifests": [{{"digest": "sha256:{}"}}]}}"#, "a".repeat(64));
    assert!(layout_error(&[("index.json", &missing)]).contains("missing: the layout refers to this blob"));
}

#[test]
fn an_altered_layout_payload_is_reported_as_such() {
    let SignatureSource::OciLayout { name, mut files } = layout("layouts/api") else { return };
    let index: serde_json::Value = serde_json::from_slice(&files["index.json"]).unwrap_or_default();
    let sigs = index["manifests"][1]["digest"].as_str().unwrap_or_default().replace("sha256:", "blobs/sha256/");
    let manifest: serde_json::Value = serde_json::from_slice(&files[&sigs]).unwrap_or_default();
    let layer = manifest["layers"][0]["digest"].as_str().unwrap_or_default().replace("sha256:", "blobs/sha256/");
    let payload =
        String::from_utf8(files[&layer].clone()).unwrap_or_default().replace("\"optional\":null", "\"optional\":{}");
    files.insert(layer, payload.into_bytes());
    let verifier = Verifier::new(vec![key("keys/trusted-ed25519.pub")], &[SignatureSource::OciLayout { name, files }]);
    let verdict =
        verifier.map(|v| v.verify(&format!("ghcr.io/acme/api@{}", digest("API")))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verdict.status, Status::InvalidSignature);
    assert!(verdict.message.contains("altered after signing"), "{}", verdict.message);
}

#[test]
fn without_material_every_pinned_image_lacks_a_signature() {
    let verifier = Verifier::new(vec![key("keys/trusted-p256.pub")], &[]).unwrap_or_else(|e| panic!("{e}"));
    let verdict = verifier.verify(&format!("ghcr.io/acme/app@{}", digest("APP")));
    assert_eq!(verdict.status, Status::NoSignature);
    assert!(verdict.message.contains("no signature material was given"));
}
