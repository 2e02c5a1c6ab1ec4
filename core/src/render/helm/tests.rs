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
