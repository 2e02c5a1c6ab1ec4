//! Signature material and PEM keys: no panic on any key text, `cosign download signature` lines,
//! or OCI layout (signed payloads are read from both). The first byte picks which reader gets the rest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::signature::{SignatureSource, TrustedKey, Verifier};
use plimsoll_fuzz::text;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    match selector % 3 {
        0 => {
            if let Ok(key) = TrustedKey::from_pem("keys/fuzz.pub", &text(rest)) {
                let _ = Verifier::new(vec![key], &[]).map(|v| v.verify("registry.example/app@sha256:0"));
            }
        }
        1 => {
            let source = SignatureSource::DownloadLines { name: "fuzz.jsonl".into(), text: text(rest) };
            if let Ok(verifier) = Verifier::new(Vec::new(), std::slice::from_ref(&source)) {
                let _ = verifier.verify("registry.example/app:1");
            }
            let _ = source.entries();
        }
        _ => {
            // Files of a layout, each `path NUL contents NUL`.
            let mut files = BTreeMap::new();
            let mut parts = rest.split(|&b| b == 0);
            while let (Some(path), Some(contents)) = (parts.next(), parts.next()) {
                files.insert(text(path), contents.to_vec());
            }
            let _ = SignatureSource::OciLayout { name: "layout".into(), files }.entries();
        }
    }
});
