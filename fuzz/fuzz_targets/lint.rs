//! The whole lint of one file with the default catalog: no panic, and every finding and
//! evaluation error is located inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_fuzz::{assert_span_inside, text, with_default_worker};

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let report = with_default_worker(|worker| worker.lint("fuzz.yaml", &text));
    for finding in &report.findings {
        assert_span_inside(&text, &finding.span, &format!("finding {} ({})", finding.rule, finding.message));
    }
    for error in &report.errors {
        assert_span_inside(&text, &error.at.span, &format!("evaluation error {}", error.reason));
    }
    for suppressed in &report.suppressed {
        assert_span_inside(&text, &suppressed.finding.span, "a suppressed finding");
    }
});
