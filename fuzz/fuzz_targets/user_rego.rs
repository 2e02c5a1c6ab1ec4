//! A user's conftest-style Rego module: no panic; it either builds into a linter that then lints a
//! pod (findings or an evaluation error), or is refused with an error naming the policy.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plimsoll_core::Linter;
use plimsoll_fuzz::text;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let built = Linter::builder().builtin_rules(false).all_namespaces().policy("policy/fuzz.rego", text).build();
    match built {
        Ok(linter) => {
            let report = linter.worker().lint("pod.yaml", POD);
            for error in &report.errors {
                assert!(!error.reason.is_empty(), "an evaluation error without a reason");
            }
        }
        Err(error) => assert!(!error.to_string().is_empty(), "a build error without a message"),
    }
});
