//! plimsoll compiled to WebAssembly: the same linter as the CLI, driven from JavaScript.
//!
//! `Linter::new()` prepares the built-in rules once; `lint(text, fileName)` returns the normative
//! JSON report (as a string) for one source. The full package (config, rules(), admit()) grows from
//! this surface.

use wasm_bindgen::prelude::*;

/// A prepared linter.
#[wasm_bindgen]
pub struct Linter {
    inner: plimsoll_core::Linter,
}

#[wasm_bindgen]
impl Linter {
    /// Builds a linter with the default rules.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Linter, JsError> {
        let inner = plimsoll_core::Linter::builder().build().map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Linter { inner })
    }

    /// Lints one source and returns the JSON report.
    pub fn lint(&self, text: &str, file_name: &str) -> String {
        lint_to_json(&self.inner, text, file_name)
    }
}

/// The report for one source, exactly as `plimsoll lint --format json` prints it.
pub fn lint_to_json(linter: &plimsoll_core::Linter, text: &str, file_name: &str) -> String {
    let file = linter.lint_source(file_name, text);
    plimsoll_core::Report::from_files(vec![file]).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lints_one_string_like_the_cli() {
        let linter = plimsoll_core::Linter::builder().build().unwrap();
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    securityContext: {privileged: true}\n";
        let report: serde_json::Value = serde_json::from_str(&lint_to_json(&linter, text, "pod.yaml")).unwrap();
        let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert!(rules.contains(&"security-context/privileged"), "{rules:?}");
        assert_eq!(report["findings"][0]["file"], "pod.yaml");
    }
}
