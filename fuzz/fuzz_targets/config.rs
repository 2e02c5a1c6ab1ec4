//! The `.plimsoll.yaml` reader: no panic; a file is either settings a linter builder accepts or
//! errors whose line and column are in the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::config::file::Config;
use plimsoll_fuzz::text;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let lines = 1 + text.bytes().filter(|&b| b == b'\n' || b == b'\r').count();
    let check = |errors: &plimsoll_core::config::file::ConfigErrors| {
        for error in &errors.0 {
            assert!(error.line >= 1 && error.line as usize <= lines, "error line out of the file: {error}");
            assert!(error.column >= 1, "error column is 1-based: {error}");
        }
    };
    match Config::parse(".plimsoll.yaml", &text) {
        Err(errors) => check(&errors),
        Ok(config) => {
            let _ = config.ignores_path("deploy/app.yaml");
            match config.settings() {
                Err(errors) => check(&errors),
                Ok(settings) => {
                    let _ = settings.builder();
                }
            }
        }
    }
});
