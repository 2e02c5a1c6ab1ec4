use super::*;
use crate::load::load;

/// The placement of `path` on the `index`-th rendered document, as `file:line:column` (with a
/// `~` when inexact) and the related values keys as `file:line:column key`.
fn placed(sources: &ChartSources, rendered: &str, index: usize, path: &str) -> (String, Vec<String>) {
    let loaded = load("rendered.yaml", rendered);
    let document = &loaded.documents[index];
    let template = document.template.as_deref().unwrap_or_default();
    let ordinal = loaded.documents[..index].iter().filter(|d| d.template.as_deref() == Some(template)).count();
    let path = if path.is_empty() { None } else { Path::parse(path) };
    let placement = sources.place(template, ordinal, document, path.as_ref()).unwrap();
    let mark = if placement.exact { "" } else { "~" };
    let at = format!("{}:{}:{}{mark}", placement.file, placement.span.start.line, placement.span.start.column);
    let related = placement
        .related
        .iter()
        .map(|r| format!("{}:{}:{} {}", r.file, r.span.start.line, r.span.start.column, r.key))
        .collect();
    (at, related)
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- range .Values.sidecars }}
        - name: {{ .name }}
          image: {{ .image }}
        {{- end }}
"#;

const HELPERS: &str = r#"{{- define "web.fullname" -}}
{{ .Release.Name }}-web
{{- end }}

{{- define "web.labels" -}}
app.kubernetes.io/name: web
{{ include "web.selector" . }}
{{- end }}

{{- define "web.selector" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
"#;

const VALUES: &str = r#"image:
  repository: nginx
  tag: latest
securityContext:
  privileged: false
resources:
  limits:
    cpu: 100m
sidecars:
  - name: log
    image: busybox
  - name: proxy
    image: envoy
"#;

const RENDERED: &str = r#"---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: rel
spec:
  template:
    spec:
      containers:
        - name: web
          image: "nginx:latest"
          securityContext:
            privileged: true
          resources:
            limits:
              cpu: 100m
        - name: log
          image: busybox
        - name: proxy
          image: envoy
"#;

fn chart() -> ChartSources {
    let mut sources = ChartSources::new();
    assert!(sources.add_file("web/templates/deployment.yaml", "charts/web/templates/deployment.yaml", DEPLOYMENT));
    assert!(sources.add_file("web/templates/_helpers.tpl", "charts/web/templates/_helpers.tpl", HELPERS));
    assert!(sources.add_file("web/values.yaml", "charts/web/values.yaml", VALUES));
    sources.add_values("prod.yaml", "securityContext:\n  privileged: true\n");
    sources
}

#[test]
fn literal_keys_map_to_their_lines() {
    let sources = chart();
    let at = |path| placed(&sources, RENDERED, 0, path).0;
    assert_eq!(at("kind"), "charts/web/templates/deployment.yaml:2:1");
    assert_eq!(at("spec.template.spec.containers[0]"), "charts/web/templates/deployment.yaml:11:9");
    assert_eq!(at("spec.template.spec.containers[0].name"), "charts/web/templates/deployment.yaml:11:11");
    assert_eq!(at(""), "charts/web/templates/deployment.yaml:1:1");
}

#[test]
fn expressions_and_their_values() {
    let sources = chart();
    let (at, related) = placed(&sources, RENDERED, 0, "spec.template.spec.containers[0].image");
    assert_eq!(at, "charts/web/templates/deployment.yaml:12:11");
    assert_eq!(related, ["charts/web/values.yaml:2:3 image.repository", "charts/web/values.yaml:3:3 image.tag"]);
    let (at, related) = placed(&sources, RENDERED, 0, "spec.template.spec.containers[0].securityContext.privileged");
    assert_eq!(at, "charts/web/templates/deployment.yaml:14:13");
    assert_eq!(related, ["prod.yaml:2:3 securityContext.privileged"]);
    let (at, related) = placed(&sources, RENDERED, 0, "spec.template.spec.containers[0].resources.limits.cpu");
    assert_eq!(at, "charts/web/templates/deployment.yaml:17:13");
    assert_eq!(related, ["charts/web/values.yaml:8:5 resources.limits.cpu"]);
}

#[test]
fn range_items_and_includes() {
    let sources = chart();
    let (at, related) = placed(&sources, RENDERED, 0, "spec.template.spec.containers[2].image");
    assert_eq!(at, "charts/web/templates/deployment.yaml:21:11");
    assert_eq!(related, ["charts/web/values.yaml:13:5 sidecars[1].image"]);
    let (at, _) = placed(&sources, RENDERED, 0, "metadata.labels[\"app.kubernetes.io/instance\"]");
    assert_eq!(at, "charts/web/templates/_helpers.tpl:11:1");
    let (at, _) = placed(&sources, RENDERED, 0, "metadata.labels[\"app.kubernetes.io/name\"]");
    assert_eq!(at, "charts/web/templates/_helpers.tpl:6:1");
    // A field the object does not write: placed where its nearest written parent is.
    let (at, _) = placed(&sources, RENDERED, 0, "spec.template.spec.containers[0].livenessProbe");
    assert_eq!(at, "charts/web/templates/deployment.yaml:11:9");
}

/// A chart of one template (and `_helpers.tpl` when given), with `values` as its values.
fn single(template: &str, helpers: &str, values: &str) -> ChartSources {
    let mut sources = ChartSources::new();
    sources.add_file("c/templates/t.yaml", "t.yaml", template);
    sources.add_file("c/templates/_helpers.tpl", "_helpers.tpl", helpers);
    sources.add_file("c/values.yaml", "values.yaml", values);
    sources
}

/// `rendered` as `helm template` prints it for `c/templates/t.yaml`.
fn output(documents: &[&str]) -> String {
    documents.iter().map(|d| format!("---\n# Source: c/templates/t.yaml\n{d}")).collect()
}

#[test]
fn conditions_choose_between_branches_and_unknown_ones_fall_back() {
    let template = "apiVersion: v1\nkind: Pod\nspec:\n  {{- if .Values.debug }}\n  hostPID: true\n  {{- else }}\n  hostPID: {{ .Values.pid }}\n  {{- end }}\n";
    let rendered = output(&["apiVersion: v1\nkind: Pod\nspec:\n  hostPID: true\n"]);
    let sources = single(template, "", "debug: false\npid: true\n");
    assert_eq!(
        placed(&sources, &rendered, 0, "spec.hostPID"),
        ("t.yaml:7:3".into(), vec!["values.yaml:2:1 pid".into()])
    );
    let sources = single(template, "", "debug: true\npid: false\n");
    assert_eq!(placed(&sources, &rendered, 0, "spec.hostPID").0, "t.yaml:5:3");
    // A --set overrides the files; what it sets is named by no file.
    let mut sources = single(template, "", "debug: true\npid: false\n");
    sources.add_set("debug=false,pid=true");
    assert_eq!(placed(&sources, &rendered, 0, "spec.hostPID"), ("t.yaml:7:3".into(), vec![]));
    // Values not given: the branch cannot be chosen.
    let mut sources = single(template, "", "debug: true\n");
    sources.assume_unknown_values();
    assert_eq!(placed(&sources, &rendered, 0, "spec.hostPID").0, "t.yaml:1:1~");
}

#[test]
fn documents_of_one_template_in_order_and_windows_line_ends() {
    let template = "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: b\r\n";
    let rendered = output(&[
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n",
    ]);
    let sources = single(template, "", "");
    assert_eq!(placed(&sources, &rendered, 0, "metadata.name").0, "t.yaml:4:3");
    assert_eq!(placed(&sources, &rendered, 1, "metadata.name").0, "t.yaml:9:3");
    assert_eq!(placed(&sources, &rendered, 1, "").0, "t.yaml:6:1");
}

#[test]
fn named_templates_with_dict_arguments_print_items() {
    let helpers = r#"{{- define "c.container" -}}
- name: {{ .name }}
  image: {{ .image }}
  securityContext:
    {{- toYaml .root.Values.securityContext | nindent 4 }}
{{- end }}"#;
    let template = r#"apiVersion: v1
kind: Pod
spec:
  containers:
    - name: first
      image: a
    {{- include "c.container" (dict "name" "second" "image" .Values.image "root" .) | nindent 4 }}
"#;
    let rendered = output(&["apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: first\n      image: a\n    - name: second\n      image: b:latest\n      securityContext:\n        privileged: true\n"]);
    let sources = single(template, helpers, "image: b:latest\nsecurityContext:\n  privileged: true\n");
    let at = |path| placed(&sources, &rendered, 0, path);
    assert_eq!(at("spec.containers[0].image").0, "t.yaml:6:7");
    assert_eq!(at("spec.containers[1].image"), ("_helpers.tpl:3:3".into(), vec!["values.yaml:1:1 image".into()]));
    assert_eq!(
        at("spec.containers[1].securityContext.privileged"),
        ("_helpers.tpl:5:5".into(), vec!["values.yaml:3:3 securityContext.privileged".into()])
    );
    assert_eq!(at("spec.containers[1]").0, "_helpers.tpl:2:1");
}

#[test]
fn two_actions_that_could_print_a_key_fall_back() {
    let template = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    {{- toYaml .Values.a | nindent 4 }}\n    {{- toYaml .Values.b | nindent 4 }}\n";
    let rendered = output(&["apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    x: \"1\"\n    z: \"2\"\n"]);
    let sources = single(template, "", "a:\n  x: \"1\"\nb:\n  x: \"1\"\n  z: \"2\"\n");
    assert_eq!(placed(&sources, &rendered, 0, "metadata.labels.z").0, "t.yaml:6:5");
    assert_eq!(placed(&sources, &rendered, 0, "metadata.labels.x").0, "t.yaml:1:1~");
}

#[test]
fn hostile_templates_are_read_in_bounded_work_without_panics() {
    let deep = "{{ if .x }}\n".repeat(5_000) + "kind: Pod\n";
    let many = "{{ .x }}".repeat(30_000);
    let unterminated = "apiVersion: v1\nkind: Pod\nmetadata: {{ .Values.x\n";
    let comment = "{{/* never closed\nkind: Pod\n";
    let odd = "- - - :\n: :\n\t- x: |\n{{- -}}\n{{-}}\n{{ define }}{{ end }}{{ end }}{{ else }}\n\"a: b\": c\n'k': {{ \"}}\" }}\n";
    let recursive = "{{- define \"r\" -}}\na: 1\n{{ include \"r\" . }}\n{{ include \"r\" . }}\n{{- end }}";
    let rendered = output(&["apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  b: 1\n"]);
    for text in [deep.as_str(), many.as_str(), unterminated, comment, odd, "", "\u{feff}é: ü\n"] {
        let sources = single(text, recursive, "x: {a: [1, {b: 2}]}\n");
        let (at, _) = placed(&sources, &rendered, 0, "metadata.name");
        assert!(at.starts_with("t.yaml:"), "{at}");
    }
    let fan_out = "apiVersion: v1\nkind: Pod\nspec:\n  {{- include \"r\" . | nindent 2 }}\n  {{- include \"r\" . | nindent 2 }}\n";
    let sources = single(fan_out, recursive, "");
    assert_eq!(placed(&sources, &rendered, 0, "spec.b").0, "t.yaml:1:1~");
}

#[test]
fn sections_ruled_out_by_values_are_skipped_and_inline_named_templates_name_their_values() {
    let helpers = "{{- define \"c.image\" -}}\n{{ .Values.image.repository }}:{{ .Values.image.tag }}\n{{- end }}\n";
    let template = "{{- if .Values.first }}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n{{- end }}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n    - name: c\n      image: {{ include \"c.image\" . }}\n";
    let rendered = output(&[
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n    - name: c\n      image: x:latest\n",
    ]);
    let values = "first: false\nimage:\n  repository: x\n  tag: latest\n";
    let sources = single(template, helpers, values);
    assert_eq!(
        placed(&sources, &rendered, 0, "spec.containers[0].image"),
        ("t.yaml:15:7".into(), vec!["values.yaml:3:3 image.repository".into(), "values.yaml:4:3 image.tag".into()])
    );
    // Whether the first section renders is unknown: the document cannot be told.
    let mut sources = single(template, helpers, values);
    sources.assume_unknown_values();
    assert_eq!(placed(&sources, &rendered, 0, "metadata.name").0, "t.yaml:1:1~");
}

#[test]
fn text_glued_to_the_line_before_is_not_guessed() {
    let template = "apiVersion: v1\nkind: Pod\nspec:\n  {{- toYaml .Values.spec | nindent 2 }}\n  {{- if .Values.enabled }}\n  hostIPC: true{{- end }}\n";
    let rendered = output(&["apiVersion: v1\nkind: Pod\nspec:\n  hostIPC: true\n"]);
    let sources = single(template, "", "enabled: true\nspec:\n  hostIPC: true\n");
    assert_eq!(placed(&sources, &rendered, 0, "spec.hostIPC").0, "t.yaml:1:1~");
    let glued = "apiVersion: v1\nkind: Pod\nspec:\n  {{- if .Values.enabled }}\n  hostIPC: true{{- end }}\n";
    let sources = single(glued, "", "enabled: true\n");
    assert_eq!(placed(&sources, &rendered, 0, "spec.hostIPC").0, "t.yaml:5:3");
}

#[test]
fn chart_sources_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<ChartSources>();
    shared::<Placement>();
}

#[test]
fn values_merge_as_helm_merges_them() {
    let template = "apiVersion: v1\nkind: Pod\nspec:\n  {{- with .Values.a }}\n  hostPID: true\n  {{- end }}\n  {{- if not .Values.a }}\n  hostPID: {{ .Values.pid }}\n  {{- end }}\n";
    let rendered = output(&["apiVersion: v1\nkind: Pod\nspec:\n  hostPID: true\n"]);
    let chart_values = "a:\n  x: 1\npid: true\n";
    // An empty mapping merges with the chart's: `.Values.a` is still set.
    let mut sources = single(template, "", chart_values);
    sources.add_values("user.yaml", "a: {}\n");
    assert_eq!(placed(&sources, &rendered, 0, "spec.hostPID").0, "t.yaml:5:3");
    // null removes it.
    let mut sources = single(template, "", chart_values);
    sources.add_values("user.yaml", "a: null\n");
    assert_eq!(
        placed(&sources, &rendered, 0, "spec.hostPID"),
        ("t.yaml:8:3".into(), vec!["values.yaml:3:1 pid".into()])
    );
}

#[test]
fn source_names_say_which_chart_a_file_belongs_to() {
    assert_eq!(super::chart_of_template("web/templates/x.yaml"), Some("web"));
    assert_eq!(super::chart_of_template("web/templates/sub/templates/x.yaml"), Some("web"));
    assert_eq!(super::chart_of_template("web/charts/db/templates/x.yaml"), Some("web/charts/db"));
    assert_eq!(super::chart_of_template("web/charts/db/crds/crd.yaml"), Some("web/charts/db"));
    assert_eq!(super::chart_of_template("web/values.yaml"), None);
    assert_eq!(super::chart_of_template("web/charts/templates.yaml"), None);
    let mut sources = ChartSources::new();
    assert!(!sources.add_file("web/charts/values.yaml", "x", "a: 1\n"));
    assert!(!sources.add_file("web/Chart.yaml", "x", "name: web\n"));
    assert!(sources.add_file("web/charts/db/values.yaml", "x", "a: 1\n"));
}

#[test]
fn values_are_named_only_where_the_printed_value_is_theirs() {
    let template = r#"apiVersion: v1
kind: Pod
spec:
  containers:
    - name: a
      image: {{ .Values.image | default .Values.fallback }}
    - name: b
      image: {{ default .Values.fallback .Values.unset }}
    - name: c
      image: {{ index .Values.images "c" }}
    - name: d
      image: {{ if .Values.unset }}{{ .Values.unset }}{{ else }}{{ .Values.image }}{{ end }}
    - name: e
      image: {{ tpl .Values.image . | quote }}
"#;
    let rendered = output(&["apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: x\n    - name: b\n      image: y\n    - name: c\n      image: z\n    - name: d\n      image: x\n    - name: e\n      image: x\n"]);
    let sources = single(template, "", "image: x\nfallback: y\nimages:\n  c: z\n");
    let related = |i: usize| placed(&sources, &rendered, 0, &format!("spec.containers[{i}].image")).1;
    assert_eq!(related(0), ["values.yaml:1:1 image"]);
    assert_eq!(related(1), ["values.yaml:2:1 fallback"]);
    assert!(related(2).is_empty());
    assert!(related(3).is_empty());
    assert_eq!(related(4), ["values.yaml:1:1 image"]);
}

#[test]
fn items_printed_after_literal_ones_name_their_own_index() {
    let template = "apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n    - name: config\n      emptyDir: {}\n    {{- with .Values.volumes }}\n    {{- toYaml . | nindent 4 }}\n    {{- end }}\n    {{- with .Values.extra }}\n    {{- toYaml . | nindent 4 }}\n    {{- end }}\n";
    let rendered = output(&["apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n    - name: config\n      emptyDir: {}\n    - name: a\n      hostPath:\n        path: /a\n    - name: b\n      hostPath:\n        path: /b\n"]);
    let sources = single(
        template,
        "",
        "volumes:\n  - name: a\n    hostPath:\n      path: /a\n  - name: b\n    hostPath:\n      path: /b\nextra: []\n",
    );
    assert_eq!(
        placed(&sources, &rendered, 0, "spec.volumes[2].hostPath"),
        ("t.yaml:8:5".into(), vec!["values.yaml:6:5 volumes[1].hostPath".into()])
    );
    assert_eq!(placed(&sources, &rendered, 0, "spec.volumes[0].emptyDir").0, "t.yaml:6:7");
}
