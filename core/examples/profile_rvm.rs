//! Compares interpreted evaluation with a compiled RVM program on the workload documents of a
//! corpus (development aid).
use std::time::Instant;
use regorus::rvm::vm::RegoVM;
use regorus::languages::rego::compiler::Compiler;
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_default();
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(t) = std::fs::read_to_string(entry.path()) { texts.push(t); }
    }
    let loaded: Vec<_> = texts.iter().map(|t| plimsoll_core::load("x", t)).collect();
    let docs: Vec<_> = loaded.iter().flat_map(|l| l.documents.iter()).filter(|d| plimsoll_core::kinds::carries_pod_spec(&d.value)).collect();
    let inputs: Vec<regorus::Value> = docs.iter().map(|d| regorus::Value::from(d.value.clone())).collect();
    let mut engine = regorus::Engine::new();
    let kinds = serde_json::json!({"plimsoll": {"kinds": {"pod_spec_paths": plimsoll_core::kinds::pod_spec_paths_json()}}});
    engine.add_data(regorus::Value::from(kinds.clone())).unwrap();
    let mut agg = String::from("package plimsoll.run\nimport rego.v1\n");
    for (path, src) in plimsoll_core::rules::BUILTIN_POLICY_FILES {
        if path.ends_with("_test.rego") { continue; }
        engine.add_policy(path.to_string(), src.to_string()).unwrap();
        if let Some(id) = plimsoll_core::rules::rule_id_for_path(path) {
            if path.starts_with("lib/") { continue; }
            let pkg = plimsoll_core::rules::rego_package(src).unwrap();
            agg.push_str(&format!("findings contains {{\"rule\": {id:?}, \"violation\": v}} if {{ some v in data.{pkg}.violation }}\n"));
        }
    }
    engine.add_policy("run.rego".into(), agg).unwrap();
    let t = Instant::now();
    let mut e2 = engine.clone();
    let mut n = 0;
    for i in &inputs { e2.set_input(i.clone()); n += e2.eval_rule("data.plimsoll.run.findings".into()).unwrap().as_set().unwrap().len(); }
    println!("interpreted: {:.1} µs/doc ({n} findings)", t.elapsed().as_secs_f64() * 1e6 / inputs.len() as f64);
    let compiled = engine.compile_with_entrypoint(&"data.plimsoll.run.findings".into()).unwrap();
    let program = Compiler::compile_from_policy(&compiled, &["data.plimsoll.run.findings"]).unwrap();
    let mut vm = RegoVM::new();
    vm.load_program(program);
    vm.set_data(regorus::Value::from(kinds)).unwrap();
    let t = Instant::now();
    let mut n = 0;
    for i in &inputs { vm.set_input(i.clone()); let r = vm.execute().unwrap(); n += r.as_set().map(|s| s.len()).unwrap_or(0); }
    println!("rvm: {:.1} µs/doc ({n} findings)", t.elapsed().as_secs_f64() * 1e6 / inputs.len() as f64);
}
