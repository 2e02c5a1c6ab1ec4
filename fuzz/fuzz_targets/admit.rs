//! `admit()` on any AdmissionReview JSON: no panic; an answer is a response for the request's uid
//! that serialises; anything else is a review error (the webhook's 400).
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::admission::{admit, parse_review, AdmissionOptions, FailurePolicy};
use plimsoll_fuzz::{text, with_default_worker};

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let Ok(review) = parse_review(&text) else { return };
    let uid = review.request.as_ref().map(|r| r.uid.clone());
    // The first byte picks the failure policy, so both answers to an evaluation error are reached.
    let failure_policy =
        if data.first().is_some_and(|b| b & 1 == 1) { FailurePolicy::Ignore } else { FailurePolicy::Fail };
    let options = AdmissionOptions { failure_policy, ..AdmissionOptions::default() };
    if let Ok(answer) = with_default_worker(|worker| admit(worker, review, &options)) {
        assert_eq!(Some(&answer.response.uid), uid.as_ref(), "the response names another request");
        let json = serde_json::to_string(&answer);
        assert!(json.is_ok(), "the response does not serialise: {json:?}");
    }
});
