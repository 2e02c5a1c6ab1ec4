//! The image reference parser and registry allow-list entries: no panic; a valid reference's
//! parts put back together name the same image.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::k8s::image::{allow_list_prefixes, ImageRef};
use plimsoll_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let _ = allow_list_prefixes(&text);
    let image = ImageRef::parse(&text);
    if !image.is_valid() {
        assert!(image.error.as_deref().is_some_and(|e| !e.is_empty()), "invalid without a reason: {text:?}");
        return;
    }
    assert_eq!(image.name, format!("{}/{}", image.registry, image.repository));
    let mut rebuilt = image.name.clone();
    if let Some(tag) = &image.tag {
        rebuilt = format!("{rebuilt}:{tag}");
    }
    if let Some(digest) = &image.digest {
        rebuilt = format!("{rebuilt}@{digest}");
    }
    let again = ImageRef::parse(&rebuilt);
    assert!(again.is_valid(), "{text:?} rebuilt as {rebuilt:?} is invalid: {:?}", again.error);
    assert_eq!(
        (&again.registry, &again.repository, &again.tag, &again.digest),
        (&image.registry, &image.repository, &image.tag, &image.digest)
    );
});
