//! Rust functions for Rego: Kubernetes quantities ([`crate::k8s::quantity`]), image references
//! ([`crate::k8s::image`]) and cosign signature verification ([`crate::signature`]), which Rego cannot
//! do (exactly, or at all) by itself.
//!
//! # The functions
//! - `plimsoll.quantity.parse(q)` — `q` a string or number, read as the API server reads a
//!   quantity field (strings trimmed). Always an object: `{"valid": true, "sign": -1|0|1,
//!   "format": "DecimalSI"|"BinarySI"|"DecimalExponent", "value": exact decimal text, "key":
//!   order key}` or `{"valid": false, "error": why}`. Two quantities compare exactly as their
//!   `key`s compare as strings (`a.key < b.key`), so `1G < 1Gi` and `0.5 == 500m`.
//! - `plimsoll.quantity.compare(a, b)` — -1, 0 or 1; undefined unless both are valid.
//! - `plimsoll.image.parse(ref)` — always an object: `{"valid", "error" (when invalid),
//!   "registry", "repository", "name", "tag" (null when absent, "" for `redis:`), "digest" (null
//!   when absent), "pinned" (a well-formed sha256 digest)}`; `nginx`, `docker.io/nginx` and
//!   `docker.io/library/nginx` all have the name `docker.io/library/nginx`.
//! - `plimsoll.signature.verify(ref)` — verifies an image reference offline against the linter's
//!   trusted keys and signature material (see [`crate::signature`]). Always an object:
//!   `{"verified": bool, "status", "message", "key" (the trusted key's name, when verified),
//!   "signature" (where the deciding signature was read)}`; `status` is one of `verified`,
//!   `not-pinned`, `invalid-reference`, `no-signature`, `invalid-signature`, `untrusted-key`,
//!   `keyless`, `digest-mismatch`, `repository-mismatch`, or `no-trusted-keys` when the linter
//!   has no trusted key. `message` says why in words that can follow "image X: ". The
//!   cryptography is done once when the linter is built, so a call is a lookup.
//!
//! # How they reach Rego
//! Policies evaluated by the interpreter (user policies, and the built-in rules when they cannot
//! be compiled) call them as regorus engine extensions, registered by [`register`].
//!
//! The built-in rules run as one compiled RVM program, whose compiler resolves calls only to
//! regorus' own builtins and to Rego functions: an engine extension is an unknown function there.
//! Its one way out to the host, a "host-await" builtin, works only when the VM runs in
//! suspendable mode, and we measured that as the wrong trade (`core/examples/profile_host_calls.rs`,
//! testdata/examples × 100, best of 5, µs per object): the four seed rules take 30.0 run to
//! completion and 42.2 suspendable (+41% for every rule, calls or not); a rule reading three
//! quantities per object adds 12.3 with an in-VM builtin, 14.2 with precomputed answers, 26.5
//! with host-await calls; the interpreter with the extension takes 182.6. Worse, in regorus
//! 0.14.1 a suspendable VM returns empty results for rules that reach the library through an
//! import alias (`k8s.containers`): a virtual-document lookup calls rules synchronously, which
//! the suspendable VM does not do, and nothing reports it.
//!
//! So core computes the answers beforehand: [`facts`] walks the object's pod spec and parses
//! every container image and every resource request and limit (a worker keeps the parsed
//! objects for the next objects, [`FactsCache`]), and the evaluator hands the result to the
//! program as `data.plimsoll.facts` (set per object; the input stays the object as written):
//! ```text
//! data.plimsoll.facts.quantities[v]  = plimsoll.quantity.parse(v)   v: a requests/limits value as written
//! data.plimsoll.facts.images[s]      = plimsoll.image.parse(s)      s: a container's image string
//! data.plimsoll.facts.signatures[s]  = plimsoll.signature.verify(s) (only with trusted keys)
//! ```
//! for `initContainers`, `containers` and `ephemeralContainers`; the values are exactly what the
//! functions return. Built-in rules import the maps (`import data.plimsoll.facts.images as
//! image_facts`): a data read, where a Rego function wrapping it would cost the compiled program
//! about a small rule's work at every call.
//!
//! # The pod spec and its containers
//! Nearly every rule starts from the pod spec and iterates its containers. Deriving them in Rego
//! took more VM work per object than most rules (the kinds table lookup, then per container
//! `array.concat`, `sprintf` and a function call: ~90k instructions per workload under callgrind),
//! so core lists them too, sharing the input's values rather than copying them:
//! ```text
//! data.plimsoll.facts.pod_spec   = {"path": [...], "spec": {...}}   only when the object has one
//! data.plimsoll.facts.containers = [{"path", "container", "field", "name", "description",
//!                                   "security_context", "security_context_path"}, ...]
//! ```
//! `policies/lib/kubernetes.rego` reads them when present and otherwise derives the same values
//! itself (its Rego stays the definition; the Rego unit tests run without facts). Where core
//! cannot name the entries exactly as that Rego would (a container list that is not a list, a
//! `name` that is not a string), it leaves `containers` out and the Rego derivation serves.

use crate::k8s::image::ImageRef;
use crate::k8s::quantity::Quantity;
use crate::signature::Verifier;
use regorus::Value as RegoValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Extension names and arities.
pub const QUANTITY_PARSE: &str = "plimsoll.quantity.parse";
pub const QUANTITY_COMPARE: &str = "plimsoll.quantity.compare";
pub const IMAGE_PARSE: &str = "plimsoll.image.parse";
pub const SIGNATURE_VERIFY: &str = "plimsoll.signature.verify";

/// The container lists whose images and resources the facts cover.
const CONTAINER_FIELDS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// Registers the functions with an engine, for policies the interpreter evaluates; signature
/// verification uses `verifier` (the linter's trusted keys and signatures), if there is one.
pub fn register(engine: &mut regorus::Engine, verifier: Option<Arc<Verifier>>) -> Result<(), String> {
    let add =
        |engine: &mut regorus::Engine, name: &str, arity: u8, f: fn(Vec<RegoValue>) -> anyhow::Result<RegoValue>| {
            engine.add_extension(name.to_string(), arity, Box::new(f)).map_err(|e| format!("{name}: {e}"))
        };
    add(engine, QUANTITY_PARSE, 1, quantity_parse_extension)?;
    add(engine, QUANTITY_COMPARE, 2, quantity_compare_extension)?;
    add(engine, IMAGE_PARSE, 1, image_parse_extension)?;
    let verify = move |args: Vec<RegoValue>| -> anyhow::Result<RegoValue> {
        Ok(match args.first().map(|a| a.as_string()) {
            Some(Ok(text)) => signature_object(verifier.as_deref(), text),
            _ => RegoValue::Undefined,
        })
    };
    engine
        .add_extension(SIGNATURE_VERIFY.into(), 1, Box::new(verify))
        .map_err(|e| format!("{SIGNATURE_VERIFY}: {e}"))?;
    Ok(())
}

/// What `plimsoll.signature.verify` returns for an image string.
pub fn signature_object(verifier: Option<&Verifier>, image: &str) -> RegoValue {
    let value = match verifier {
        Some(verifier) => serde_json::to_value(verifier.verify(image)).unwrap_or(Value::Null),
        None => serde_json::json!({
            "verified": false, "status": "no-trusted-keys",
            "message": "no trusted key is configured, so no signature can be verified",
        }),
    };
    crate::engine::convert::to_rego(&value)
}

fn quantity_parse_extension(args: Vec<RegoValue>) -> anyhow::Result<RegoValue> {
    Ok(args.first().map_or(RegoValue::Undefined, |q| quantity_object(&to_json(q))))
}

fn quantity_compare_extension(args: Vec<RegoValue>) -> anyhow::Result<RegoValue> {
    let parsed: Vec<Option<Quantity>> = args.iter().map(|a| Quantity::from_value(&to_json(a)).ok()).collect();
    Ok(match parsed.as_slice() {
        [Some(a), Some(b)] => RegoValue::from(a.cmp(b) as i64),
        _ => RegoValue::Undefined,
    })
}

fn image_parse_extension(args: Vec<RegoValue>) -> anyhow::Result<RegoValue> {
    Ok(match args.first().map(|a| a.as_string()) {
        Some(Ok(text)) => image_object(text),
        _ => RegoValue::Undefined,
    })
}

fn to_json(value: &RegoValue) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// What `plimsoll.quantity.parse` returns for a manifest value.
pub fn quantity_object(value: &Value) -> RegoValue {
    let mut fields: Vec<(&str, RegoValue)> = Vec::with_capacity(5);
    match Quantity::from_value(value) {
        Ok(q) => {
            fields.push(("valid", RegoValue::from(true)));
            fields.push(("sign", RegoValue::from(i64::from(q.signum()))));
            fields.push(("format", RegoValue::from(q.format().as_str())));
            fields.push(("value", RegoValue::from(q.decimal_string())));
            fields.push(("key", RegoValue::from(q.order_key())));
        }
        Err(error) => {
            fields.push(("valid", RegoValue::from(false)));
            fields.push(("error", RegoValue::from(error.to_string())));
        }
    }
    rego_object(fields)
}

/// What `plimsoll.image.parse` returns for an image string.
pub fn image_object(text: &str) -> RegoValue {
    let image = ImageRef::parse(text);
    let optional = |v: Option<String>| v.map_or(RegoValue::Null, RegoValue::from);
    let mut fields = vec![
        ("valid", RegoValue::from(image.is_valid())),
        ("registry", RegoValue::from(image.registry)),
        ("repository", RegoValue::from(image.repository)),
        ("name", RegoValue::from(image.name)),
        ("tag", optional(image.tag)),
        ("digest", optional(image.digest)),
        ("pinned", RegoValue::from(image.pinned)),
    ];
    if let Some(error) = image.error {
        fields.push(("error", RegoValue::from(error)));
    }
    rego_object(fields)
}

fn rego_object(fields: Vec<(&str, RegoValue)>) -> RegoValue {
    RegoValue::from(fields.into_iter().map(|(k, v)| (RegoValue::from(k), v)).collect::<BTreeMap<_, _>>())
}

/// `data.plimsoll.facts` for one object, given as written (`object`) and as the engine's value
/// (`input`, whose parts the pod spec and container facts share): `quantities`, `images` and
/// `signatures` (all empty for objects without a pod spec; `signatures` also without a
/// verifier), and `pod_spec` and `containers` (see the module notes on when they are left out).
#[cfg(test)]
pub fn facts(object: &Value, input: &RegoValue, verifier: Option<&Verifier>) -> RegoValue {
    facts_with_cache(object, input, verifier, &mut FactsCache::default())
}

/// Parsed images and quantities kept from one object to the next: the same few images and
/// resource values recur across a set of manifests, and a parse builds a whole Rego object.
/// One per worker; its values are shared (reference counted) with the facts it hands out.
#[derive(Default)]
pub struct FactsCache {
    images: std::collections::HashMap<String, RegoValue>,
    quantities: std::collections::HashMap<String, RegoValue>,
}

impl FactsCache {
    /// Most entries each map keeps; past it the map starts over, so memory stays bounded.
    const CAPACITY: usize = 4096;

    fn image(&mut self, text: &str) -> RegoValue {
        Self::cached(&mut self.images, text, || image_object(text))
    }

    /// A string quantity from the cache; numbers (rare in manifests) are parsed each time.
    fn quantity(&mut self, value: &Value) -> RegoValue {
        match value.as_str() {
            Some(text) => Self::cached(&mut self.quantities, text, || quantity_object(value)),
            None => quantity_object(value),
        }
    }

    fn cached(
        map: &mut std::collections::HashMap<String, RegoValue>,
        key: &str,
        make: impl FnOnce() -> RegoValue,
    ) -> RegoValue {
        if let Some(value) = map.get(key) {
            return value.clone();
        }
        if map.len() >= Self::CAPACITY {
            map.clear();
        }
        let value = make();
        map.insert(key.to_string(), value.clone());
        value
    }
}

/// [`facts`], reusing the parses `cache` holds and adding the new ones.
pub fn facts_with_cache(
    object: &Value,
    input: &RegoValue,
    verifier: Option<&Verifier>,
    cache: &mut FactsCache,
) -> RegoValue {
    let mut quantities = BTreeMap::new();
    let mut images = BTreeMap::new();
    let mut signatures = BTreeMap::new();
    for container in containers(object) {
        if let Some(image) = container.get("image").and_then(Value::as_str) {
            images.entry(RegoValue::from(image)).or_insert_with(|| cache.image(image));
            if verifier.is_some() {
                signatures.entry(RegoValue::from(image)).or_insert_with(|| signature_object(verifier, image));
            }
        }
        for kind in ["requests", "limits"] {
            let values = container.get("resources").and_then(|r| r.get(kind)).and_then(Value::as_object);
            for value in values.into_iter().flat_map(|m| m.values()).filter(|v| !v.is_null()) {
                quantities.entry(crate::engine::convert::to_rego(value)).or_insert_with(|| cache.quantity(value));
            }
        }
    }
    let mut fields = vec![
        ("quantities", RegoValue::from(quantities)),
        ("images", RegoValue::from(images)),
        ("signatures", RegoValue::from(signatures)),
    ];
    let pod_spec = pod_spec_path(object).and_then(|path| pod_spec_entry(input, path));
    let listed = match &pod_spec {
        Some((path, spec)) => container_entries(path, spec),
        None => Some(Vec::new()),
    };
    if let Some(entries) = listed {
        fields.push(("containers", RegoValue::from(entries)));
    }
    if let Some((path, spec)) = pod_spec {
        fields.push(("pod_spec", rego_object(vec![("path", RegoValue::from(path)), ("spec", spec)])));
    }
    rego_object(fields)
}

/// Where the object's kind keeps its pod spec (see [`crate::k8s::kinds`]).
fn pod_spec_path(object: &Value) -> Option<&'static [&'static str]> {
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or("");
    crate::k8s::kinds::pod_spec_path(text("apiVersion"), text("kind"))
}

/// The pod spec's path (as Rego values) and the spec, when it is an object.
fn pod_spec_entry(input: &RegoValue, path: &[&str]) -> Option<(Vec<RegoValue>, RegoValue)> {
    let spec = path.iter().try_fold(input, |node, key| match node {
        RegoValue::Object(map) => map.get(&RegoValue::from(*key)),
        _ => None,
    })?;
    matches!(spec, RegoValue::Object(_)).then(|| (path.iter().map(|k| RegoValue::from(*k)).collect(), spec.clone()))
}

/// The entries `policies/lib/kubernetes.rego` derives for the containers of `spec`, in its order
/// (init, regular, ephemeral; each list in order), or `None` where core would not name them
/// exactly as that Rego does.
fn container_entries(spec_path: &[RegoValue], spec: &RegoValue) -> Option<Vec<RegoValue>> {
    let mut entries = Vec::new();
    for field in CONTAINER_FIELDS {
        let items = match &spec[&RegoValue::from(field)] {
            RegoValue::Undefined | RegoValue::Null => continue,
            RegoValue::Array(items) => items,
            _ => return None,
        };
        for (i, container) in items.iter().enumerate() {
            if !matches!(container, RegoValue::Object(_)) {
                continue;
            }
            let name = match &container[&RegoValue::from("name")] {
                RegoValue::String(name) => name.to_string(),
                RegoValue::Undefined => format!("#{i}"),
                _ => return None,
            };
            let description = describe_container(field, &name)?;
            let mut path = spec_path.to_vec();
            path.extend([RegoValue::from(field), RegoValue::from(i as u64)]);
            let security_context = match &container[&RegoValue::from("securityContext")] {
                value @ RegoValue::Object(_) => value.clone(),
                _ => RegoValue::new_object(),
            };
            let mut security_context_path = path.clone();
            security_context_path.push(RegoValue::from("securityContext"));
            entries.push(rego_object(vec![
                ("path", RegoValue::from(path)),
                ("container", container.clone()),
                ("field", RegoValue::from(field)),
                ("name", RegoValue::from(name)),
                ("description", RegoValue::from(description)),
                ("security_context", security_context),
                ("security_context_path", RegoValue::from(security_context_path)),
            ]));
        }
    }
    Some(entries)
}

/// `describe_container` of policies/lib/kubernetes.rego: `container "app"` and the like. Its `%q`
/// quotes as Go does; for names of printable ASCII without quotes or backslashes (every valid
/// container name) that is the name between double quotes, and other names are left to the Rego.
fn describe_container(field: &str, name: &str) -> Option<String> {
    let plain = name.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    let kind = match field {
        "containers" => "container",
        "initContainers" => "init container",
        _ => "ephemeral container",
    };
    plain.then(|| format!("{kind} \"{name}\""))
}

/// The containers of the object's pod spec, if it has one.
fn containers(object: &Value) -> impl Iterator<Item = &Value> {
    let spec = pod_spec_path(object).and_then(|path| path.iter().try_fold(object, |node, key| node.get(key)));
    CONTAINER_FIELDS.iter().filter_map(move |field| spec.and_then(|s| s.get(field)).and_then(Value::as_array)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn engine() -> regorus::Engine {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        assert_eq!(register(&mut engine, None), Ok(()));
        engine
    }

    fn eval(engine: &mut regorus::Engine, query: &str) -> Result<Value, String> {
        let mut engine = engine.clone();
        let policy = format!("package t\nimport rego.v1\nx := {query}\n");
        engine.add_policy("t.rego".into(), policy).map_err(|e| e.to_string())?;
        engine.eval_rule("data.t.x".into()).map(|v| to_json(&v)).map_err(|e| format!("{query}: {e}"))
    }

    #[test]
    fn extensions_answer_interpreted_policies() {
        let mut engine = engine();
        assert_eq!(eval(&mut engine, r#"plimsoll.quantity.parse("1.5Gi").value"#), Ok(json!("1610612736")));
        assert_eq!(eval(&mut engine, r#"plimsoll.quantity.parse(1).valid"#), Ok(json!(true)));
        assert_eq!(eval(&mut engine, r#"plimsoll.quantity.parse("2 GB").valid"#), Ok(json!(false)));
        assert_eq!(eval(&mut engine, r#"plimsoll.quantity.parse("-1").sign"#), Ok(json!(-1)));
        assert_eq!(eval(&mut engine, r#"plimsoll.quantity.compare("1G", "1Gi")"#), Ok(json!(-1)));
        assert_eq!(eval(&mut engine, r#"plimsoll.quantity.compare("0.5", "500m")"#), Ok(json!(0)));
        assert_eq!(
            eval(&mut engine, r#"plimsoll.quantity.parse("1Gi").key > plimsoll.quantity.parse("1G").key"#),
            Ok(json!(true))
        );
        assert_eq!(eval(&mut engine, r#"plimsoll.image.parse("nginx").name"#), Ok(json!("docker.io/library/nginx")));
        assert_eq!(eval(&mut engine, r#"plimsoll.image.parse("host:5000/app").tag"#), Ok(json!(null)));
        assert_eq!(eval(&mut engine, r#"plimsoll.image.parse("redis:").tag"#), Ok(json!("")));
    }

    /// The verification the images/signature rule reads, callable from users' policies.
    #[test]
    fn signature_verification_answers_interpreted_policies() {
        use crate::signature::{SignatureSource, TrustedKey};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/supply-chain");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
        let app =
            read("images.env").lines().find_map(|l| l.strip_prefix("APP=").map(str::to_string)).unwrap_or_default();
        let key = TrustedKey::from_pem("cosign.pub", &read("keys/trusted-p256.pub"));
        let material = SignatureSource::DownloadLines { name: "app.jsonl".into(), text: read("signatures/app.jsonl") };
        let verifier = key.and_then(|key| Verifier::new(vec![key], &[material]));
        assert!(verifier.is_ok(), "{:?}", verifier.err());
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        assert_eq!(register(&mut engine, verifier.ok().map(Arc::new)), Ok(()));
        let verify = |image: &str| format!("plimsoll.signature.verify({image:?})");
        let good = eval(&mut engine, &verify(&format!("ghcr.io/acme/app@{app}")));
        assert_eq!(
            good.as_ref().map(|v| (&v["verified"], &v["key"])),
            Ok((&json!(true), &json!("cosign.pub"))),
            "{good:?}"
        );
        let status = |engine: &mut regorus::Engine, image: &str| eval(engine, &format!("{}.status", verify(image)));
        assert_eq!(status(&mut engine, "ghcr.io/acme/app:1.0"), Ok(json!("not-pinned")));
        assert_eq!(status(&mut engine, &format!("ghcr.io/evil/app@{app}")), Ok(json!("repository-mismatch")));
        assert_eq!(status(&mut self::tests::engine(), "ghcr.io/acme/app:1.0"), Ok(json!("no-trusted-keys")));
    }

    #[test]
    fn compare_is_undefined_for_invalid_quantities() {
        let mut engine = engine();
        assert_eq!(eval(&mut engine, r#"[c | c := plimsoll.quantity.compare("1", "x")]"#), Ok(json!([])));
    }

    #[test]
    fn facts_cover_every_container_image_and_quantity() {
        let object = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "spec": {"template": {"spec": {
                "initContainers": [{"name": "init", "image": "busybox", "resources": {"limits": {"cpu": 1}}}],
                "containers": [{"name": "app", "image": "nginx:1.27",
                                "resources": {"requests": {"cpu": "250m", "memory": null}, "limits": {"memory": "2 GB"}}}],
            }}},
        });
        let facts = to_json(&facts(&object, &crate::engine::convert::to_rego(&object), None));
        assert_eq!(facts["images"]["busybox"]["name"], json!("docker.io/library/busybox"));
        assert_eq!(facts["images"]["nginx:1.27"]["tag"], json!("1.27"));
        assert_eq!(facts["quantities"]["250m"]["value"], json!("0.25"));
        assert_eq!(facts["quantities"]["2 GB"]["valid"], json!(false));
        // Non-string keys (the number 1) are kept as numbers in Rego; JSON shows them as text.
        assert_eq!(facts["quantities"].as_object().map(|o| o.len()), Some(3));
    }

    #[test]
    fn objects_without_a_pod_spec_have_empty_facts() {
        let object = json!({"apiVersion": "v1", "kind": "Service", "spec": {}});
        let facts = to_json(&facts(&object, &crate::engine::convert::to_rego(&object), None));
        assert_eq!(facts, json!({"containers": [], "images": {}, "quantities": {}, "signatures": {}}));
    }

    /// A worker reuses parses across objects: the facts are the same as parsing afresh, for
    /// objects that share images and quantities and for ones that do not, and past its capacity
    /// the cache starts over rather than growing.
    #[test]
    fn cached_facts_equal_fresh_ones_and_the_cache_stays_bounded() {
        let pod = |image: &str, cpu: &str| {
            json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [
                {"name": "app", "image": image, "resources": {"requests": {"cpu": cpu}, "limits": {"cpu": 2}}}]}})
        };
        let objects = [pod("nginx:1.27", "250m"), pod("nginx:1.27", "250m"), pod("redis@sha256:abc", "1.5.0")];
        let mut cache = FactsCache::default();
        for object in &objects {
            let input = crate::engine::convert::to_rego(object);
            assert_eq!(
                to_json(&facts_with_cache(object, &input, None, &mut cache)),
                to_json(&facts(object, &input, None))
            );
        }
        assert_eq!((cache.images.len(), cache.quantities.len()), (2, 2), "string quantities and images are kept");
        for i in 0..FactsCache::CAPACITY + 10 {
            cache.image(&format!("registry.example/app:{i}"));
        }
        assert!(cache.images.len() <= FactsCache::CAPACITY);
        assert_eq!(to_json(&cache.image("nginx:1.27"))["tag"], json!("1.27"));
    }
}
