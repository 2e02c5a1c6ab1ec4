//! The loader on any text: no panic, and every position it records (of each field of each
//! object, and of each problem) lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_fuzz::{assert_every_path_inside, assert_span_inside, text};

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let loaded = plimsoll_core::load("fuzz.yaml", &text);
    assert!(loaded.document_count >= loaded.documents.len(), "more objects than documents");
    for problem in &loaded.problems {
        assert_span_inside(&text, &problem.span, &format!("problem {:?}", problem.message));
    }
    for document in &loaded.documents {
        assert_every_path_inside(&text, document);
    }
});
