//! The metadata of the rules implemented in Rust here (schema validation, API lifecycle,
//! kustomizations). It is the counterpart of a Rego rule's `# METADATA` block: [`native_rules`]
//! feeds the same catalog (`plimsoll rules`, `plimsoll explain`, the wasm `rules()` call) and the
//! same rule selection. Every rule here applies to all objects. A build without the
//! `schema-validation` feature lists only the API lifecycle and kustomization rules.

use super::{RuleEngine, RuleExamples, RuleMeta, RuleScope};
use crate::report::finding::Severity;

/// Rule ID of a chart or kustomization its renderer could not render.
pub const RENDER_ERROR: &str = "render/error";
/// Rule ID of a chart or kustomization whose renderer is not installed.
pub const RENDER_UNAVAILABLE: &str = "render/unavailable";

/// Rule IDs of the validation rules.
pub const UNKNOWN_FIELD: &str = "schema/unknown-field";
pub const TYPE: &str = "schema/type";
pub const REQUIRED: &str = "schema/required";
pub const ENUM: &str = "schema/enum";
pub const FORMAT: &str = "schema/format";
pub const CONSTRAINT: &str = "schema/constraint";
/// Rule ID of objects without a known schema.
pub const UNKNOWN_KIND: &str = "schema/unknown-kind";

/// The rules that need an object's schema: the rules of the `schema-validation` feature.
pub const VALIDATION_RULES: &[&str] = &[UNKNOWN_FIELD, TYPE, REQUIRED, ENUM, FORMAT, CONSTRAINT, UNKNOWN_KIND];

/// Whether this build validates objects against schemas (the `schema-validation` feature).
pub const VALIDATION_AVAILABLE: bool = cfg!(feature = "schema-validation");

/// Whether `name` (a rule ID or short name) names a validation rule that this build leaves out.
/// Such names are known, not misspelt: selecting the rule is an error that says why, turning it
/// off or changing its severity is accepted (it does not run either way).
pub fn left_out_of_build(name: &str) -> bool {
    !VALIDATION_AVAILABLE && VALIDATION_RULES.iter().any(|id| *id == name || id.rsplit('/').next() == Some(name))
}

/// One rule's metadata, as written below.
struct NativeRule {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    remediation: &'static str,
    severity: Severity,
    enabled_by_default: bool,
    /// The setting that turns the rule on when given (see [`RuleMeta::enabled_by`]).
    enabled_by: Option<&'static str>,
    /// The rule's parameters, declared as a Rego rule's `custom.parameters` are (YAML); `""`: none.
    parameters: &'static str,
    related_resources: &'static [&'static str],
    /// A manifest the rule reports and one it accepts (see [`crate::rules::RuleExamples`]).
    fail_example: &'static str,
    pass_example: &'static str,
}

const SCHEMA_DOCS: &str = "https://kubernetes.io/docs/reference/kubernetes-api/";
const FIELD_VALIDATION: &str = "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation";
const HELM_TEMPLATE: &str = "https://helm.sh/docs/helm/helm_template/";
const KUSTOMIZE_BUILD: &str = "https://kubectl.docs.kubernetes.io/references/kustomize/cmd/build/";
const DEPRECATION_GUIDE: &str = "https://kubernetes.io/docs/reference/using-api/deprecation-guide/";

const SCHEMA_SOURCES: &str = "Objects are checked against the JSON schemas of their kind: Kubernetes 1.33's \
built-in kinds (strict: unknown fields are errors), the bundled CRD schemas (Argo Rollouts and CD, Flagger, \
External Secrets, prometheus-operator, Velero, Istio, Gatekeeper), CRDs given with `--crd`, and CRDs found \
among the linted files.";

const RULES: &[NativeRule] = &[
    NativeRule {
        id: "schema/unknown-field",
        title: "Fields the schema does not know",
        description: "A field its kind's schema does not define is usually a typo (`livenesProbe`) or a field \
put at the wrong level. kubectl's strict field validation rejects the object; with looser validation the \
API server silently drops the field, so the setting never takes effect.\n\n",
        remediation: "Fix the field's name or indentation (the message suggests the closest known field), or \
remove it. For a CRD whose schema is newer than the bundled one, pass the CRD with `--crd`.",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[FIELD_VALIDATION, SCHEMA_DOCS],
        fail_example: r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      livenesProbe:
        httpGet: {path: /healthz, port: 8080}
"#,
        pass_example: r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
"#,
    },
    NativeRule {
        id: "schema/type",
        title: "Values of the wrong type",
        description: "A value whose type the schema does not allow (a string where an integer is expected, a \
list where an object is expected) is rejected by the API server when the object is created.\n\n",
        remediation: "Write the value with the expected type: unquote numbers and booleans, quote strings that \
look like numbers only where a string is expected, and check the field's indentation.",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[SCHEMA_DOCS],
        fail_example: r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
"#,
        pass_example: r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
"#,
    },
    NativeRule {
        id: "schema/required",
        title: "Required fields that are missing",
        description: "The schema requires the field (a container's `name`, a Deployment's `selector`); the \
API server rejects the object without it.\n\n",
        remediation: "Add the field. The finding points at the object that should hold it.",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[SCHEMA_DOCS],
        fail_example: r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - image: registry.example.com/shop/web:2.4.1
"#,
        pass_example: r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
"#,
    },
    NativeRule {
        id: "schema/enum",
        title: "Values outside the allowed set",
        description: "The field only takes the values its schema lists (for a kind, the kinds its apiVersion \
serves); any other value is rejected.\n\n",
        remediation: "Use one of the listed values; values are case-sensitive (the message suggests the \
closest one).",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[SCHEMA_DOCS],
        fail_example: r#"
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: web}
  endpoints:
    - port: metrics
      scheme: tcp
"#,
        pass_example: r#"
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: web}
  endpoints:
    - port: metrics
      scheme: https
"#,
    },
    NativeRule {
        id: "schema/format",
        title: "Values in the wrong format",
        description: "The value does not have the field's format: a timestamp that is not RFC 3339, Secret \
`data` that is not base64, a duration that is not a duration, an integer outside the int32 or int64 range. \
The API server cannot decode such values.\n\n",
        remediation: "Write the value in the expected format; for Secrets, put plain text under `stringData` \
instead of `data`.",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[SCHEMA_DOCS],
        fail_example: r#"
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
type: Opaque
data:
  password: s3cr3t-password
"#,
        pass_example: r#"
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
type: Opaque
stringData:
  password: s3cr3t-password
"#,
    },
    NativeRule {
        id: "metadata/required-labels",
        title: "Labels the configuration requires",
        description: "An organisation that relies on labels (an owner to page, a cost centre to bill, a \
team for a tool to read) can require them: each object of the configured kinds must carry every \
configured label, and, where a pattern is given, a value the pattern matches (a regular expression \
searched in the value: anchor it with `^` and `$` to match the whole value).\n\n\
The rule runs once labels are configured, under its ID in the configuration file's `settings:`:\n\n\
```yaml\nsettings:\n  metadata/required-labels:\n    labels:\n      - key: team\n        value: \"^[a-z-]+$\"\n    kinds: [Deployment, StatefulSet]\n```\n\n\
Without `kinds`, the pod-bearing kinds (Pod, PodTemplate, ReplicationController, Deployment, StatefulSet, \
DaemonSet, ReplicaSet, Job, CronJob, Argo Rollout) and Service are checked; `kinds: [\"*\"]` checks every \
object. The settings are checked when the configuration is read: a misspelt parameter, a value of the wrong \
type or a pattern that does not compile is an error at its line.\n\n",
        remediation: "Add the label with a value that matches the pattern, in the object's \
`metadata.labels` (for a workload, the object's own metadata, not its pod template's).",
        severity: Severity::Warning,
        enabled_by_default: false,
        enabled_by: Some("metadata/required-labels.labels"),
        parameters: r#"
labels:
  type: list
  description: the labels each object must carry
  items:
    type: object
    fields:
      key:
        type: string
        required: true
        description: the label's key
      value:
        type: regex
        description: a regular expression the value must match (searched; anchor it with ^ and $)
kinds:
  type: list
  description: the kinds checked (`*` for every kind); by default the pod-bearing kinds and Service
  items:
    type: string
"#,
        related_resources: &[
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/",
        ],
        fail_example: r#"
# settings: {metadata/required-labels: {labels: [{key: team, value: "^[a-z-]+$"}]}}
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    team: PAYMENTS
spec:
  selector: {app: web}
  ports:
    - port: 80
"#,
        pass_example: r#"
# settings: {metadata/required-labels: {labels: [{key: team, value: "^[a-z-]+$"}]}}
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    team: payments
spec:
  selector: {app: web}
  ports:
    - port: 80
"#,
    },
    NativeRule {
        id: "metadata/required-annotations",
        title: "Annotations the configuration requires",
        description: "An organisation that relies on annotations (an owner to page, a cost centre to bill, a \
team for a tool to read) can require them: each object of the configured kinds must carry every \
configured annotation, and, where a pattern is given, a value the pattern matches (a regular expression \
searched in the value: anchor it with `^` and `$` to match the whole value).\n\n\
The rule runs once annotations are configured, under its ID in the configuration file's `settings:`:\n\n\
```yaml\nsettings:\n  metadata/required-annotations:\n    annotations:\n      - key: owner\n        value: \"^[a-z-]+$\"\n    kinds: [Deployment, StatefulSet]\n```\n\n\
Without `kinds`, the pod-bearing kinds (Pod, PodTemplate, ReplicationController, Deployment, StatefulSet, \
DaemonSet, ReplicaSet, Job, CronJob, Argo Rollout) and Service are checked; `kinds: [\"*\"]` checks every \
object. The settings are checked when the configuration is read: a misspelt parameter, a value of the wrong \
type or a pattern that does not compile is an error at its line.\n\n",
        remediation: "Add the annotation with a value that matches the pattern, in the object's \
`metadata.annotations` (for a workload, the object's own metadata, not its pod template's).",
        severity: Severity::Warning,
        enabled_by_default: false,
        enabled_by: Some("metadata/required-annotations.annotations"),
        parameters: r#"
annotations:
  type: list
  description: the annotations each object must carry
  items:
    type: object
    fields:
      key:
        type: string
        required: true
        description: the annotation's key
      value:
        type: regex
        description: a regular expression the value must match (searched; anchor it with ^ and $)
kinds:
  type: list
  description: the kinds checked (`*` for every kind); by default the pod-bearing kinds and Service
  items:
    type: string
"#,
        related_resources: &[
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/",
        ],
        fail_example: r#"
# settings: {metadata/required-annotations: {annotations: [{key: owner, value: "^[a-z-]+$"}]}}
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    owner: PAYMENTS-ONCALL
spec:
  selector: {app: web}
  ports:
    - port: 80
"#,
        pass_example: r#"
# settings: {metadata/required-annotations: {annotations: [{key: owner, value: "^[a-z-]+$"}]}}
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    owner: payments-oncall
spec:
  selector: {app: web}
  ports:
    - port: 80
"#,
    },
    NativeRule {
        id: "schema/constraint",
        title: "Values that break a schema constraint",
        description: "The value breaks another constraint of its schema: a pattern, a minimum or maximum, a \
length or item count, uniqueness, or the choice between alternatives (`oneOf`). These constraints come \
mostly from CRD schemas; the API server enforces them.\n\n",
        remediation: "Change the value to satisfy the constraint the message names.",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[SCHEMA_DOCS],
        fail_example: r#"
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: api}
  endpoints:
    - port: metrics
      interval: 30 seconds
"#,
        pass_example: r#"
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: api}
  endpoints:
    - port: metrics
      interval: 30s
"#,
    },
    NativeRule {
        id: "schema/unknown-kind",
        title: "Objects whose kind has no known schema",
        description: "No schema is known for the object's apiVersion and kind, so its fields are not checked. \
This is expected for custom resources whose CRD is not bundled; it can also reveal a misspelt apiVersion or \
kind (the message names the apiVersions that serve a kind of that name).\n\n",
        remediation: "Check the apiVersion and kind. For a custom resource, pass its CustomResourceDefinition \
(or a directory of them, or of JSON schemas named <group>/<kind>_<version>.json) with `--crd`, or lint it \
together with the CRD. Disable this rule if unchecked kinds are expected.",
        severity: Severity::Info,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[
            "https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/",
        ],
        fail_example: r#"
apiVersion: acme.example.com/v1
kind: Widget
metadata:
  name: blue
spec:
  size: 3
"#,
        pass_example: r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.acme.example.com
spec:
  group: acme.example.com
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
              properties:
                size: {type: integer}
---
apiVersion: acme.example.com/v1
kind: Widget
metadata:
  name: blue
spec:
  size: 3
"#,
    },
    NativeRule {
        id: "schema/rejected-value",
        title: "Values the API server rejects though the schema allows them",
        description: "The OpenAPI schema says only which type a field takes; the API server's validation code \
checks more, and rejects the object when:\n\n\
- a container port name is not an IANA service name (at most 15 characters of lowercase letters, digits and \
`-`, at least one letter, no leading, trailing or doubled `-`), or repeats a name in the same container;\n\
- a `containerPort`, `hostPort`, Service `port`, `targetPort` or `nodePort` is outside 1-65535 (an unset or \
zero `hostPort`, `targetPort` or `nodePort` is fine), a `targetPort` name is not an IANA service name, or a \
Service port name is not a DNS label or is repeated;\n\
- a label key or value is malformed, in `metadata.labels`, pod-template labels or a selector (keys: an \
optional DNS-subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` and `.` that \
starts and ends with a letter or digit; values: the same, or empty);\n\
- a topology spread constraint has `maxSkew` or `minDomains` below 1, `minDomains` without \
`whenUnsatisfiable: DoNotSchedule`, a `whenUnsatisfiable`, `nodeAffinityPolicy` or `nodeTaintsPolicy` \
outside its values, or repeats another constraint's `topologyKey` and `whenUnsatisfiable`;\n\
- a PodDisruptionBudget sets both `minAvailable` and `maxUnavailable`, or a budget that is negative or not a \
percentage up to 100%;\n\
- a HorizontalPodAutoscaler's `maxReplicas` is below its `minReplicas` (unset: 1);\n\
- a Deployment's strategy type is not Recreate or RollingUpdate, or Recreate comes with `rollingUpdate`; a \
StatefulSet's or DaemonSet's update strategy type is not OnDelete or RollingUpdate, or a StatefulSet's \
OnDelete comes with `rollingUpdate`.\n\n\
Each case follows Kubernetes' validation code (core, apps, policy and autoscaling validation, and \
apimachinery's name and label checks), after the API's defaults. Schema validation cannot see these; the \
checker reports them on every object, in every build, without a schema.\n\n",
        remediation: "Change the value as the message says: shorten or rename the port or label, bring the \
number into range, keep one of the two budgets, raise `maxReplicas`, or use one of the listed strategy types.",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[
            "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports",
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set",
            "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
        ],
        fail_example: r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      ports:
        - name: http-metrics-port
          containerPort: 9090
"#,
        pass_example: r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/shop/web:2.4.1
      ports:
        - name: metrics
          containerPort: 9090
"#,
    },
    NativeRule {
        id: "schema/removed-api",
        title: "API versions the target Kubernetes release no longer serves",
        description: "The object's apiVersion is no longer served by the Kubernetes release linted for \
(`--kube-version`, default 1.33): applying it fails, and upgrading a cluster with such manifests breaks \
deployments.\n\n",
        remediation: "Migrate the object to the API version the message names (fields may have changed: check \
the migration notes of the deprecation guide).",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[DEPRECATION_GUIDE],
        fail_example: r#"
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
"#,
        pass_example: r#"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
"#,
    },
    NativeRule {
        id: "schema/deprecated-api",
        title: "Deprecated API versions",
        description: "The object's apiVersion is deprecated in the Kubernetes release linted for \
(`--kube-version`, default 1.33) and will stop being served in the release the message names.\n\n",
        remediation: "Migrate the object to the API version the message names before upgrading to the release \
that removes the old one.",
        severity: Severity::Warning,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[DEPRECATION_GUIDE],
        fail_example: r#"
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy-db
subsets:
  - addresses:
      - ip: 10.0.12.7
    ports:
      - {name: postgres, port: 5432}
"#,
        pass_example: r#"
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-db
  labels:
    kubernetes.io/service-name: legacy-db
addressType: IPv4
endpoints:
  - addresses: [10.0.12.7]
ports:
  - {name: postgres, port: 5432}
"#,
    },
    NativeRule {
        id: "kustomize/deprecated-field",
        title: "Deprecated kustomization fields",
        description: "Kustomize 5 deprecated `bases`, `patchesStrategicMerge`, `patchesJson6902`, \
`commonLabels` and `vars`: they still work but print warnings and are due to be removed. Kustomization \
files (kind Kustomization, or files named kustomization.yaml) are checked.\n\n",
        remediation: "Move to the replacement the message names, or run `kustomize edit fix` in the \
kustomization's directory.",
        severity: Severity::Warning,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &["https://github.com/kubernetes-sigs/kustomize/releases/tag/kustomize%2Fv5.0.0"],
        fail_example: r#"
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
commonLabels:
  app: web
"#,
        pass_example: r#"
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
labels:
  - pairs:
      app: web
    includeSelectors: true
"#,
    },
    NativeRule {
        id: "render/error",
        title: "Charts and kustomizations that fail to render",
        description: "plimsoll lints what a Helm chart or a kustomization would deploy, by running `helm \
template` or `kustomize build` on it. When the renderer fails (a template error, a missing base or \
values file, a remote base, a dependency that must be downloaded first), nothing of it can be checked: the \
finding is placed at the chart's `Chart.yaml` or at the `kustomization.yaml`, with the renderer's message \
and, where it names one, the template's line. Rendering never reaches the network.\n\n",
        remediation: "Fix what the message names; run the same render by hand (`helm template <chart>`, \
`kustomize build <dir>`) to see it. For chart dependencies, run `helm dependency build <chart>` so that \
`charts/` holds them. A remote base cannot be rendered offline: vendor it, or lint the rendered output \
instead (`kustomize build overlays/prod | plimsoll lint -`).",
        severity: Severity::Error,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[HELM_TEMPLATE, KUSTOMIZE_BUILD],
        fail_example: r#"
# kustomization.yaml: the base it names does not exist
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base-that-is-not-there
"#,
        pass_example: r#"
# kustomization.yaml
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
configMapGenerator:
  - name: settings
    literals: [LOG_LEVEL=info]
"#,
    },
    NativeRule {
        id: "render/unavailable",
        title: "Charts and kustomizations left unrendered",
        description: "A Helm chart needs `helm` and a kustomization `kustomize` (or `kubectl`, which \
includes it) to be rendered and linted. When the tool is not found, the chart or kustomization is reported \
once, at its `Chart.yaml` or `kustomization.yaml`, and the rest of the run goes on: its objects are not \
checked.\n\n",
        remediation: "Install the tool (https://helm.sh/docs/intro/install/, \
https://kubectl.docs.kubernetes.io/installation/kustomize/) or name it with `--helm PATH` / `--kustomize \
PATH` (`helm:` / `kustomize:` in `.plimsoll.yaml`). Without it, render elsewhere and pass the output: \
`helm template web charts/web | plimsoll lint --chart charts/web -`.",
        severity: Severity::Warning,
        enabled_by_default: true,
        enabled_by: None,
        parameters: "",
        related_resources: &[HELM_TEMPLATE, KUSTOMIZE_BUILD],
        fail_example: r#"
# charts/web/Chart.yaml, linted where helm is not installed
apiVersion: v2
name: web
version: 1.0.0
"#,
        pass_example: r#"
# charts/web/Chart.yaml, linted where helm is installed
apiVersion: v2
name: web
version: 1.0.0
"#,
    },
];

/// A rule's parameter declaration; the table is checked by a test, so a mistake cannot ship.
fn native_parameters(rule: &NativeRule) -> Vec<super::parameters::Parameter> {
    if rule.parameters.is_empty() {
        return Vec::new();
    }
    crate::load::parse_yaml_value(rule.parameters)
        .ok()
        .flatten()
        .and_then(|value| super::parameters::parse(&value).ok())
        .unwrap_or_default()
}

/// The catalog entries of the rules implemented here.
pub fn native_rules() -> Vec<RuleMeta> {
    RULES
        .iter()
        // A build without schema validation does not offer its rules at all (`rules()` is what runs).
        .filter(|rule| VALIDATION_AVAILABLE || !VALIDATION_RULES.contains(&rule.id))
        .map(|rule| {
            let mut description = rule.description.trim_end().to_string();
            if VALIDATION_RULES.contains(&rule.id) {
                description = format!("{description}\n\n{SCHEMA_SOURCES}");
            }
            RuleMeta {
                id: rule.id.to_string(),
                title: rule.title.to_string(),
                description,
                remediation: rule.remediation.to_string(),
                severity: rule.severity,
                enabled_by_default: rule.enabled_by_default,
                related_resources: rule.related_resources.iter().map(|s| s.to_string()).collect(),
                enabled_by: rule.enabled_by.map(str::to_string),
                parameters: native_parameters(rule),
                pss_check: None,
                level: None,
                since: None,
                examples: Some(RuleExamples {
                    fail: rule.fail_example.trim_start().to_string(),
                    pass: rule.pass_example.trim_start().to_string(),
                }),
                scope: RuleScope::AllObjects,
                kinds: Vec::new(),
                requires_fields: Vec::new(),
                uses_inventory: false,
                inventory_kinds: None,
                inventory_referenced: Vec::new(),
                inventory_referenced_when: None,
                complete_input: None,
                engine: RuleEngine::Native,
                package: String::new(),
                violation_sets: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn declared_parameters_parse() {
        for rule in RULES.iter().filter(|rule| !rule.parameters.is_empty()) {
            let value = crate::load::parse_yaml_value(rule.parameters).unwrap().unwrap();
            let parsed = super::super::parameters::parse(&value);
            assert!(parsed.as_ref().is_ok_and(|p| !p.is_empty()), "{}: {parsed:?}", rule.id);
        }
    }
}
