//! Measures what Rust functions called from compiled Rego cost (development aid).
//!
//! regorus' RVM compiler only knows its own builtins; a Rust function can be called from a
//! compiled program as a "registered host-await builtin", which suspends the VM so that the host
//! computes the result and resumes it. This compares, per object of a corpus directory:
//! - the built-in rules run to completion (no host functions, the baseline),
//! - the same program in suspendable mode (the price of being able to suspend at all),
//! - the rules plus a rule that calls a host function for every resource quantity, suspendable,
//! - the same rule answered by a builtin instead (`units.parse`, run to completion),
//! - the same rule reading precomputed answers from `data` (set per object),
//! - the interpreter, with the host function as an engine extension.
//!
//! Run: `cargo run --release -p plimsoll-core --example profile_host_calls -- <dir> [repeat]`.
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::{ExecutionMode, ExecutionState, RegoVM};
use regorus::Value;
use std::time::Instant;

const ENTRY: &str = "data.plimsoll.run.findings";

/// One rule per way of reaching the function; `CALL` is replaced by the call under test.
const QUANTITY_RULE: &str = r#"
package plimsoll.rules.x.quantities
import data.plimsoll.lib.kubernetes as k8s
import rego.v1
violation contains {"msg": "big", "path": p} if {
	some entry in k8s.containers
	some kind in ["requests", "limits"]
	some name, q in entry.container.resources[kind]
	parsed := CALL
	parsed.sign > 0
	p := array.concat(entry.path, ["resources", kind, name])
}
"#;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let repeat: usize = std::env::args().nth(2).and_then(|r| r.parse().ok()).unwrap_or(20);
    let inputs = corpus(&dir, repeat);
    let quantities: usize = inputs.iter().map(count_quantities).sum();
    println!("{} objects, {} quantities", inputs.len(), quantities);

    let host_fns: &[(&str, usize)] = &[("plimsoll.quantity.parse", 1)];
    let base = program(&engine_with(None, true), &[]);
    let aliased = program(&engine_with(None, false), &[]);
    let host = program(&engine_with(Some("plimsoll.quantity.parse(q)"), true), host_fns);
    let host_aliased = program(&engine_with(Some("plimsoll.quantity.parse(q)"), false), host_fns);
    let builtin = program(&engine_with(Some(r#"{"sign": units.parse(q)}"#), true), &[]);
    let facts = program(&engine_with(Some("data.facts[q]"), true), &[]);
    let facts_aliased = program(&engine_with(Some("data.facts[q]"), false), &[]);
    let interpreted = engine_with(Some("plimsoll.quantity.parse(q)"), true);
    let rtc = ExecutionMode::RunToCompletion;
    let suspendable = ExecutionMode::Suspendable;
    type Variant<'a> = (&'a str, Box<dyn Fn(&[Value]) -> usize + 'a>);
    let variants: Vec<Variant> = vec![
        ("4 rules, run to completion", Box::new(|i| run(&base, rtc, i))),
        ("4 rules, run to completion, aliased", Box::new(|i| run(&aliased, rtc, i))),
        ("4 rules, suspendable", Box::new(|i| run(&base, suspendable, i))),
        ("4 rules, suspendable, aliased (wrong results)", Box::new(|i| run(&aliased, suspendable, i))),
        ("+ quantities: builtin, run to completion", Box::new(|i| run(&builtin, rtc, i))),
        ("+ quantities: facts in data, run to completion", Box::new(|i| run_with_facts(&facts, i))),
        ("+ quantities: facts, run to completion, aliased", Box::new(|i| run_with_facts(&facts_aliased, i))),
        ("+ quantities: host calls, suspendable", Box::new(|i| run(&host, suspendable, i))),
        ("+ quantities: host calls, suspendable, aliased", Box::new(|i| run(&host_aliased, suspendable, i))),
        ("+ quantities: extension, interpreter", Box::new(|i| interpret(&interpreted, i))),
        ("(walking objects for facts only)", Box::new(|i| i.iter().map(count_quantities).sum())),
    ];
    let mut best = vec![f64::MAX; variants.len()];
    let mut findings = vec![0; variants.len()];
    for _round in 0..5 {
        for (k, (_, f)) in variants.iter().enumerate() {
            let start = Instant::now();
            findings[k] = f(&inputs);
            best[k] = best[k].min(start.elapsed().as_secs_f64() * 1e6 / inputs.len() as f64);
        }
    }
    for (k, (label, _)) in variants.iter().enumerate() {
        println!("{label:50} {:7.1} µs/object ({} findings)", best[k], findings[k]);
    }
}

fn interpret(engine: &regorus::Engine, inputs: &[Value]) -> usize {
    let mut engine = engine.clone();
    let mut n = 0;
    for input in inputs {
        engine.set_input(input.clone());
        n += engine.eval_rule(ENTRY.into()).map(|v| v.as_set().map(|s| s.len()).unwrap_or(0)).unwrap_or(0);
    }
    n
}

fn corpus(dir: &str, repeat: usize) -> Vec<Value> {
    let mut inputs = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        for document in plimsoll_core::load("x", &text).documents {
            if plimsoll_core::k8s::kinds::carries_pod_spec(&document.value) {
                inputs.push(Value::from(document.value.clone()));
            }
        }
    }
    inputs.iter().cycle().take(inputs.len() * repeat).cloned().collect()
}

fn count_quantities(input: &Value) -> usize {
    facts(input).as_object().map(|o| o.len()).unwrap_or(0)
}

/// Every resource quantity string of an object, found by walking it.
fn collect(value: &Value, out: &mut Vec<Value>, under_resources: bool) {
    if let Ok(map) = value.as_object() {
        for (key, child) in map.iter() {
            let key_text = key.as_string().map(|s| s.to_string()).unwrap_or_default();
            if under_resources && (key_text == "requests" || key_text == "limits") {
                if let Ok(quantities) = child.as_object() {
                    out.extend(quantities.values().cloned());
                }
            }
            collect(child, out, key_text == "resources");
        }
    } else if let Ok(items) = value.as_array() {
        for item in items.iter() {
            collect(item, out, false);
        }
    }
}

fn facts(input: &Value) -> Value {
    let mut quantities = Vec::new();
    collect(input, &mut quantities, false);
    let mut map = Value::new_object();
    if let Ok(m) = map.as_object_mut() {
        for q in quantities {
            m.insert(q.clone(), answer(&q));
        }
    }
    map
}

/// Stands in for the real parser: the cost measured here is the call, not the parse.
fn answer(_q: &Value) -> Value {
    let mut object = Value::new_object();
    if let Ok(m) = object.as_object_mut() {
        m.insert(Value::from("sign"), Value::from(1u64));
    }
    object
}

/// `qualified`: refer to the library by its full path instead of through the `k8s` import alias
/// (an aliased package reference compiles to a lookup of the whole virtual package document).
fn engine_with(call: Option<&str>, qualified: bool) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    let kinds = serde_json::json!({"plimsoll": {"kinds": {"pod_spec_paths": plimsoll_core::k8s::kinds::pod_spec_paths_json()}}});
    engine.add_data(Value::from(kinds)).unwrap_or_else(|e| panic!("{e}"));
    let mut aggregate = String::from("package plimsoll.run\nimport rego.v1\n");
    for (path, source) in plimsoll_core::rules::BUILTIN_POLICY_FILES {
        if path.ends_with("_test.rego") {
            continue;
        }
        let source = if qualified { qualify(source) } else { source.to_string() };
        engine.add_policy(path.to_string(), source.clone()).unwrap_or_else(|e| panic!("{e}"));
        if let (Some(id), false) = (plimsoll_core::rules::rule_id_for_path(path), path.starts_with("lib/")) {
            let package = plimsoll_core::rules::rego_package(&source).unwrap_or_default();
            aggregate.push_str(&format!(
                "findings contains {{\"rule\": {id:?}, \"violation\": v}} if {{ some v in data.{package}.violation }}\n"
            ));
        }
    }
    if let Some(call) = call {
        engine
            .add_extension("plimsoll.quantity.parse".into(), 1, Box::new(|args: Vec<Value>| Ok(answer(&args[0]))))
            .unwrap_or_else(|e| panic!("{e}"));
        let rule = QUANTITY_RULE.replace("CALL", call);
        let rule = if qualified { qualify(&rule) } else { rule };
        engine.add_policy("x.rego".into(), rule).unwrap_or_else(|e| panic!("{e}"));
        aggregate.push_str(
            "findings contains {\"rule\": \"x/quantities\", \"violation\": v} if { some v in data.plimsoll.rules.x.quantities.violation }\n",
        );
    }
    engine.add_policy("run.rego".into(), aggregate).unwrap_or_else(|e| panic!("{e}"));
    engine
}

fn qualify(source: &str) -> String {
    source.replace("import data.plimsoll.lib.kubernetes as k8s\n", "").replace("k8s.", "data.plimsoll.lib.kubernetes.")
}

fn program(engine: &regorus::Engine, host: &[(&str, usize)]) -> std::sync::Arc<regorus::rvm::program::Program> {
    let compiled = engine.clone().compile_with_entrypoint(&ENTRY.into()).unwrap_or_else(|e| panic!("{e}"));
    Compiler::compile_from_policy_with_host_await(&compiled, &[ENTRY], host).unwrap_or_else(|e| panic!("{e}"))
}

fn vm(program: &std::sync::Arc<regorus::rvm::program::Program>, mode: ExecutionMode) -> RegoVM {
    let mut vm = RegoVM::new();
    vm.load_program(program.clone());
    vm.set_execution_mode(mode);
    let kinds = serde_json::json!({"plimsoll": {"kinds": {"pod_spec_paths": plimsoll_core::k8s::kinds::pod_spec_paths_json()}}});
    vm.set_data(Value::from(kinds)).unwrap_or_else(|e| panic!("{e}"));
    vm
}

fn run(program: &std::sync::Arc<regorus::rvm::program::Program>, mode: ExecutionMode, inputs: &[Value]) -> usize {
    let mut vm = vm(program, mode);
    let mut n = 0;
    for input in inputs {
        vm.set_input(input.clone());
        let mut result = vm.execute().unwrap_or_else(|e| panic!("{e}"));
        while let ExecutionState::Suspended { .. } = vm.execution_state() {
            let argument = vm.get_host_await_argument().cloned().unwrap_or(Value::Undefined);
            result = vm.resume(Some(answer(&argument[0]))).unwrap_or_else(|e| panic!("{e}"));
        }
        n += result.as_set().map(|s| s.len()).unwrap_or(0);
    }
    n
}

fn run_with_facts(program: &std::sync::Arc<regorus::rvm::program::Program>, inputs: &[Value]) -> usize {
    let mut vm = vm(program, ExecutionMode::RunToCompletion);
    let kinds = serde_json::json!({"pod_spec_paths": plimsoll_core::k8s::kinds::pod_spec_paths_json()});
    let base = Value::from(serde_json::json!({"plimsoll": {"kinds": kinds}}));
    let mut n = 0;
    for input in inputs {
        let mut data = base.clone();
        if let Ok(m) = data.as_object_mut() {
            m.insert(Value::from("facts"), facts(input));
        }
        vm.set_data(data).unwrap_or_else(|e| panic!("{e}"));
        vm.set_input(input.clone());
        n += vm.execute().unwrap_or_else(|e| panic!("{e}")).as_set().map(|s| s.len()).unwrap_or(0);
    }
    n
}
