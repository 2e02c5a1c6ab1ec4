{{/* A Deployment of one container; argument: dict with name, image and root (the chart's context). */}}
{{- define "common.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .root.Release.Name }}-{{ .name }}
spec:
  selector:
    matchLabels:
      app: {{ .name }}
  template:
    metadata:
      labels:
        app: {{ .name }}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .name }} {{/* expect: probes/liveness@default+prod, probes/readiness@default+prod, resources/cpu-requests@default+prod, resources/memory-limits@default+prod, resources/memory-requests@default+prod */}}
          image: {{ .image }} {{/* expect: images/latest-tag@prod */}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
{{- end }}
