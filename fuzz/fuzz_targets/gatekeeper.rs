//! Gatekeeper ConstraintTemplates and constraints from any YAML: no panic; a policy set that
//! loads builds into a linter that lints a pod.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::engine::gatekeeper::PolicySet;
use plimsoll_core::Linter;
use plimsoll_fuzz::text;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: prod\n  labels: {app: web}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let loaded = plimsoll_core::load("policy/fuzz.yaml", &text);
    let Ok(policies) = PolicySet::from_documents(&loaded.documents) else { return };
    if policies.is_empty() {
        return;
    }
    if let Ok(linter) = Linter::builder().builtin_rules(false).gatekeeper(policies).build() {
        let _ = linter.worker().lint("pod.yaml", POD);
    }
});
