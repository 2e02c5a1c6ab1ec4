//! Errors as JavaScript sees them: an `Error` whose `code` property says what went wrong.
//!
//! Codes are the diagnostic codes core already gives its errors (`plimsoll::unknown_rule`, …), so
//! the CLI and JavaScript name a failure the same way; errors that only exist here get codes in
//! the same namespace (`plimsoll::config`, `plimsoll::busy`, …).

use miette::Diagnostic;
use wasm_bindgen::JsValue;

/// An error on its way to JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsFailure {
    pub code: String,
    pub message: String,
}

impl JsFailure {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        JsFailure { code: code.to_string(), message: message.into() }
    }

    /// Takes message and code from a core error.
    pub fn from_diagnostic(error: &(dyn Diagnostic + 'static)) -> Self {
        let code = error.code().map_or_else(|| "plimsoll::error".to_string(), |c| c.to_string());
        JsFailure { code, message: error.to_string() }
    }
}

impl From<JsFailure> for JsValue {
    fn from(failure: JsFailure) -> JsValue {
        let error = js_sys::Error::new(&failure.message);
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(&failure.code));
        error.into()
    }
}

/// Codes of errors that only the wasm package raises.
pub mod codes {
    /// The configuration object has an unknown key or a value of the wrong type.
    pub const CONFIG: &str = "plimsoll::config";
    /// A result could not be converted to a JavaScript value.
    pub const CONVERSION: &str = "plimsoll::conversion";
    /// The linter was called again while a call was still running (only possible after a trap).
    pub const BUSY: &str = "plimsoll::busy";
}
