//! The checker on small objects: each rule's finding, its path and message.

use super::validation::{is_version, kind_from_path};
use super::*;
use crate::load::parse_yaml_value;

fn checker() -> SchemaChecker {
    let all = crate::rules::native::native_rules();
    SchemaChecker { enabled: Enabled::for_rules(all.iter().map(|r| r.id.as_str())), ..SchemaChecker::default() }
}

fn object(yaml: &str) -> Value {
    parse_yaml_value(yaml).ok().flatten().unwrap_or_default()
}

/// `rule path: message` for every finding.
fn findings(checker: &SchemaChecker, yaml: &str) -> Vec<String> {
    checker.check(&object(yaml)).iter().map(|f| format!("{} {}: {}", f.rule, f.path, f.message)).collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
";

#[test]
fn a_valid_deployment_has_no_findings() {
    assert_eq!(findings(&checker(), DEPLOYMENT), Vec::<String>::new());
}

#[test]
fn unknown_fields_suggest_the_closest_name() {
    let yaml = format!("{DEPLOYMENT}        livenesProbe: {{}}\n");
    assert_eq!(
        findings(&checker(), &yaml),
        ["schema/unknown-field spec.template.spec.containers[0].livenesProbe: unknown field \"livenesProbe\" in Container; did you mean \"livenessProbe\"?"]
    );
}

#[test]
fn fields_one_level_too_high_are_pointed_to_their_home() {
    let yaml = DEPLOYMENT
        .replace("image: nginx:1.27\n", "image: nginx:1.27\n        runAsUser: 1000\n        requests: {cpu: 1}\n");
    assert_eq!(
        findings(&checker(), &yaml),
        [
            "schema/unknown-field spec.template.spec.containers[0].requests: unknown field \"requests\" in Container; did you mean \"resources.requests\"?",
            "schema/unknown-field spec.template.spec.containers[0].runAsUser: unknown field \"runAsUser\" in Container; did you mean \"securityContext.runAsUser\"?",
        ]
    );
}

#[test]
fn types_required_fields_and_formats() {
    let yaml = "apiVersion: v1
kind: ReplicationController
metadata: {name: bob, creationTimestamp: yesterday}
spec:
  replicas: asd
  template:
    spec:
      containers:
      - image: nginx
";
    assert_eq!(
        findings(&checker(), yaml),
        [
            "schema/format metadata.creationTimestamp: string \"yesterday\" is not an RFC 3339 date-time (like 2025-01-31T12:00:00Z)",
            "schema/type spec.replicas: expected integer, found string \"asd\"",
            "schema/required spec.template.spec.containers[0].name: missing required field \"name\" in Container",
        ]
    );
}

#[test]
fn int_or_string_quantity_and_null_are_accepted_where_kubernetes_accepts_them() {
    let yaml = "apiVersion: v1
kind: Pod
metadata: {name: p, labels: null}
spec:
  containers:
  - name: a
    image: i
    ports: [{containerPort: 80}]
    readinessProbe: {httpGet: {port: http}}
    livenessProbe: {tcpSocket: {port: 8080}}
    resources: {limits: {cpu: 1, memory: 512Mi}, requests: {cpu: null}}
    args: null
";
    assert_eq!(findings(&checker(), yaml), Vec::<String>::new());
    let bad = yaml.replace("port: http", "port: true").replace("cpu: 1,", "cpu: [1],");
    assert_eq!(
        findings(&checker(), &bad),
        [
            "schema/type spec.containers[0].readinessProbe.httpGet.port: expected string or integer, found boolean true",
            "schema/type spec.containers[0].resources.limits.cpu: expected string or number, found a list",
        ]
    );
}

#[test]
fn secret_data_must_be_base64_and_int32_in_range() {
    let yaml = "apiVersion: v1
kind: Secret
metadata: {name: s}
data: {password: hunter2}
---";
    assert_eq!(
        findings(&checker(), yaml),
        ["schema/format data.password: string \"hunter2\" is not base64 text (standard alphabet, padded)"]
    );
    let deployment = DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: 3000000000\n  selector");
    assert_eq!(
        findings(&checker(), &deployment),
        ["schema/format spec.replicas: number 3000000000 is out of the int32 range"]
    );
}

#[test]
fn a_kind_in_the_wrong_case_is_named_and_the_object_still_checked() {
    let yaml = DEPLOYMENT.replace("kind: Deployment", "kind: deployment").replace("image: nginx", "imag: nginx");
    assert_eq!(
        findings(&checker(), &yaml),
        [
            "schema/enum kind: apps/v1 has no kind \"deployment\"; did you mean \"Deployment\"? (kinds are case-sensitive)",
            "schema/unknown-field spec.template.spec.containers[0].imag: unknown field \"imag\" in Container; did you mean \"image\"?",
        ]
    );
}

#[test]
fn unknown_kinds_name_where_the_kind_is_served() {
    let found = findings(&checker(), "apiVersion: app/v1\nkind: Deployment\nmetadata: {name: x}\n");
    assert_eq!(found, ["schema/unknown-kind kind: no schema for app/v1 Deployment, so its fields are not checked; Deployment is served as apps/v1"]);
    let custom = findings(&checker(), "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n");
    assert_eq!(custom, ["schema/unknown-kind kind: no schema for example.com/v1 Widget, so its fields are not checked (for a custom resource, give its CRD with --crd)"]);
}

#[test]
fn removed_apis_are_reported_once_and_deprecated_ones_by_target() {
    let cronjob = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec: {}\n";
    assert_eq!(findings(&checker(), cronjob), ["schema/removed-api apiVersion: batch/v1beta1 CronJob is no longer served since Kubernetes 1.25; use batch/v1"]);
    let no_removed = SchemaChecker { enabled: Enabled { removed_api: false, ..checker().enabled }, ..checker() };
    assert_eq!(findings(&no_removed, cronjob), ["schema/unknown-kind kind: no schema for batch/v1beta1 CronJob, so its fields are not checked; CronJob is served as batch/v1"]);
    let older = SchemaChecker { kube_version: KubeVersion::new(22), ..checker() };
    assert_eq!(
        findings(&older, cronjob),
        [
            "schema/deprecated-api apiVersion: batch/v1beta1 CronJob is deprecated since Kubernetes 1.21 and no longer served from 1.25; use batch/v1",
            "schema/unknown-kind kind: no schema for batch/v1beta1 CronJob, so its fields are not checked; CronJob is served as batch/v1",
        ]
    );
}

#[test]
fn bundled_crds_validate_with_object_metadata() {
    let yaml = "apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, lables: {a: b}}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: http, interval: 30s, scheme: htps}]
  unknownThing: 1
";
    assert_eq!(
        findings(&checker(), yaml),
        [
            "schema/unknown-field metadata.lables: unknown field \"lables\" in ObjectMeta; did you mean \"labels\"?",
            "schema/enum spec.endpoints[0].scheme: string \"htps\" is not one of \"http\", \"https\", \"HTTP\", \"HTTPS\"; did you mean \"https\"?",
            "schema/unknown-field spec.unknownThing: unknown field \"unknownThing\"",
        ]
    );
}

#[test]
fn crds_among_the_objects_are_used() {
    let crd = object(
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
",
    );
    let base = checker();
    let Some(extended) = base.with_crds([("crd.yaml", &crd)]) else { panic!("the CRD is found") };
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 0, colour: red}\n";
    assert_eq!(
        findings(&extended, widget),
        [
            "schema/constraint spec.size: 0 is less than the minimum of 1",
            "schema/unknown-field spec.colour: unknown field \"colour\"",
        ]
    );
    assert_eq!(
        findings(&extended, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n"),
        ["schema/required spec.size: missing required field \"size\"",]
    );
}

#[test]
fn json_schema_files_are_named_by_path() {
    assert_eq!(
        kind_from_path("example.com/widget_v1.json"),
        Some((GroupMatch::Exact("example.com".into()), "v1".into(), "widget".into()))
    );
    assert_eq!(
        kind_from_path("schemas/widget_v1beta1.json"),
        Some((GroupMatch::Any, "v1beta1".into(), "widget".into()))
    );
    assert_eq!(
        kind_from_path("trainingjob-sagemaker-v1.json"),
        Some((GroupMatch::FirstLabel("sagemaker".into()), "v1".into(), "trainingjob".into()))
    );
    assert_eq!(kind_from_path("pod-v1.json"), Some((GroupMatch::Exact(String::new()), "v1".into(), "pod".into())));
    assert_eq!(kind_from_path("notes.json"), None);
    assert!(is_version("v2alpha1") && !is_version("v2alpha") && !is_version("latest"));
}

#[test]
fn kustomizations_are_checked_only_for_deprecated_fields() {
    let yaml = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\npatchesStrategicMerge: [p.yaml]\n";
    assert_eq!(
        findings(&checker(), yaml),
        ["kustomize/deprecated-field patchesStrategicMerge: `patchesStrategicMerge` is deprecated in kustomizations; use `patches` (each entry a `path:` or inline `patch:`)"]
    );
}
