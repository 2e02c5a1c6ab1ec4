#!/usr/bin/env python3
"""Deterministic generator of realistic Kubernetes manifest corpora for benchmarks.

Writes N Kubernetes documents, spread over F multi-document YAML files, into a
directory. Standard library only (no PyYAML needed); the output is plain block
YAML as produced by `helm template` / hand-written repos.

    python3 gen_corpus.py --docs 1000 --files 100 --seed 1 --out corpus-1k

Properties of the corpus (all decided by a seeded PRNG, so the same
--docs/--files/--seed always give byte-identical output):

* kind mix (weights): Deployment 22, Service 18, ConfigMap 14, Ingress 8,
  HorizontalPodAutoscaler 8, PodDisruptionBudget 7, StatefulSet 6, CronJob 5,
  DaemonSet 4, Job 4, Pod 4;
* documents are grouped into "apps" (a chart/release of 1..12 related
  documents sharing labels); about half of the apps are rendered Helm charts:
  each of their documents is preceded by a `# Source: <chart>/templates/<x>.yaml`
  comment and carries helm.sh/chart labels;
* (kind, namespace, name) is unique over the whole corpus, so the corpus can
  be fed to kustomize as one set of resources;
* containers sometimes have / lack securityContext fields (privileged,
  runAsNonRoot, readOnlyRootFilesystem, allowPrivilegeEscalation,
  capabilities), probes, resources (requests/limits), and use image tags,
  `:latest`, no tag, or sha256 digests;
* workload documents are 60..150+ lines, like real manifests.

A summary (counts per kind, lines, bytes) is printed to stdout; nothing except
the .yaml files is written into --out.
"""

import argparse
import hashlib
import json
import os
import random
import re
import sys

# ---------------------------------------------------------------------------
# Minimal block-style YAML emitter (deterministic, key order preserved)
# ---------------------------------------------------------------------------

_PLAIN_UNSAFE = re.compile(
    r"^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|"
    r"on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?|"
    r"0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d+:\d+(?::\d+)*)$"
)


def _needs_quotes(s):
    if _PLAIN_UNSAFE.match(s):
        return True
    if s[0] in "-?:,[]{}#&*!|>'\"%@` " or s[-1] == " ":
        return True
    if ": " in s or " #" in s or s.endswith(":") or "\t" in s:
        return True
    return False


def _scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    if _needs_quotes(s):
        return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar
    return s


def _emit(v, indent, out):
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            _emit_kv(k, x, indent, out)
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, dict) and x:
                first = True
                for k, y in x.items():
                    sub = []
                    _emit_kv(k, y, indent + 2, sub)
                    if first:
                        sub[0] = pad + "- " + sub[0][indent + 2:]
                        first = False
                    out.extend(sub)
            elif isinstance(x, (dict, list)):
                out.append(pad + "- " + ("{}" if isinstance(x, dict) else "[]"))
            else:
                out.append(pad + "- " + _scalar(x))
    else:
        out.append(pad + _scalar(v))


def _emit_kv(k, x, indent, out):
    pad = " " * indent
    if isinstance(x, dict):
        if not x:
            out.append(f"{pad}{k}: {{}}")
        else:
            out.append(f"{pad}{k}:")
            _emit(x, indent + 2, out)
    elif isinstance(x, list):
        if not x:
            out.append(f"{pad}{k}: []")
        else:
            out.append(f"{pad}{k}:")
            # kubectl / helm style: list items at the same indent as the key
            _emit(x, indent, out)
    elif isinstance(x, Block):
        out.append(f"{pad}{k}: |")
        for line in x.text.rstrip("\n").split("\n"):
            out.append((pad + "  " + line) if line else "")
    else:
        out.append(f"{pad}{k}: {_scalar(x)}")


class Block:
    """A multi-line string emitted as a `|` literal block."""

    def __init__(self, text):
        self.text = text


def to_yaml(doc):
    out = []
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

WORDS = [
    "api", "web", "frontend", "backend", "auth", "billing", "cart", "catalog",
    "checkout", "search", "orders", "payments", "users", "gateway", "ingest",
    "worker", "scheduler", "notifier", "reports", "metrics", "logs", "cache",
    "session", "inventory", "shipping", "pricing", "recommend", "profile",
    "media", "upload", "export", "import", "audit", "ledger", "mailer", "sync",
]
TEAMS = ["platform", "payments", "growth", "data", "infra", "identity", "commerce", "ml"]
NAMESPACES = ["default", "prod", "staging", "dev", "monitoring", "kube-system",
              "payments", "data", "ingress-nginx", "tools"]
REGISTRIES = ["", "docker.io/library/", "ghcr.io/acme/", "quay.io/acme/",
              "registry.example.com:5000/team/", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/",
              "gcr.io/acme-prod/"]
BASE_IMAGES = ["nginx", "redis", "postgres", "busybox", "envoyproxy/envoy", "python",
               "node", "golang", "alpine", "memcached", "rabbitmq", "grafana/grafana",
               "prom/prometheus", "fluent/fluent-bit", "haproxy", "httpd"]
CHARTS = ["common-service", "webapp", "microservice", "worker", "cronjobs",
          "redis", "postgresql", "ingress-nginx", "kube-prometheus-stack", "fluent-bit"]
ENV_NAMES = ["LOG_LEVEL", "PORT", "DATABASE_URL", "REDIS_HOST", "REDIS_PORT",
             "FEATURE_FLAGS", "OTEL_EXPORTER_OTLP_ENDPOINT", "JAVA_OPTS", "GOMAXPROCS",
             "NODE_ENV", "TZ", "HTTP_TIMEOUT", "CACHE_TTL", "WORKERS", "REGION"]
KIND_WEIGHTS = [
    ("Deployment", 22), ("Service", 18), ("ConfigMap", 14), ("Ingress", 8),
    ("HorizontalPodAutoscaler", 8), ("PodDisruptionBudget", 7), ("StatefulSet", 6),
    ("CronJob", 5), ("DaemonSet", 4), ("Job", 4), ("Pod", 4),
]
TEMPLATE_FILE = {
    "Deployment": "deployment.yaml", "Service": "service.yaml", "ConfigMap": "configmap.yaml",
    "Ingress": "ingress.yaml", "HorizontalPodAutoscaler": "hpa.yaml",
    "PodDisruptionBudget": "pdb.yaml", "StatefulSet": "statefulset.yaml",
    "CronJob": "cronjob.yaml", "DaemonSet": "daemonset.yaml", "Job": "job.yaml", "Pod": "pod.yaml",
}


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.used = set()

    # -- small utilities ---------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def hexstr(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def unique_name(self, kind, ns, base):
        name = base
        i = 2
        while (kind, ns, name) in self.used:
            name = f"{base}-{i}"
            i += 1
        self.used.add((kind, ns, name))
        return name

    def image(self):
        img = self.pick(REGISTRIES) + self.pick(BASE_IMAGES)
        x = self.r.random()
        if x < 0.06:
            return img + ":latest"          # explicit latest
        if x < 0.10:
            return img                      # no tag (implicit latest)
        if x < 0.25:
            return img + "@sha256:" + self.hexstr(64)
        if x < 0.32:
            return img + f":{self.r.randint(1, 3)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}@sha256:" + self.hexstr(64)
        return img + f":{self.r.randint(1, 3)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}"

    # -- metadata ----------------------------------------------------------
    def labels(self, app, helm, component=None):
        lab = {
            "app.kubernetes.io/name": app["name"],
            "app.kubernetes.io/instance": app["release"],
        }
        if component:
            lab["app.kubernetes.io/component"] = component
        if helm:
            lab["app.kubernetes.io/version"] = app["version"]
            lab["app.kubernetes.io/managed-by"] = "Helm"
            lab["helm.sh/chart"] = f"{app['chart']}-{app['chart_version']}"
        if self.chance(0.4):
            lab["team"] = app["team"]
        return lab

    def selector_labels(self, app):
        return {"app.kubernetes.io/name": app["name"], "app.kubernetes.io/instance": app["release"]}

    def metadata(self, kind, app, name_suffix="", component=None, annotations=None):
        name = self.unique_name(kind, app["ns"], app["name"] + name_suffix)
        md = {"name": name, "namespace": app["ns"], "labels": self.labels(app, app["helm"], component)}
        if annotations:
            md["annotations"] = annotations
        return md

    # -- containers --------------------------------------------------------
    def probe(self, port):
        x = self.r.random()
        if x < 0.6:
            p = {"httpGet": {"path": self.pick(["/healthz", "/ready", "/livez", "/health", "/"]), "port": port}}
        elif x < 0.85:
            p = {"tcpSocket": {"port": port}}
        else:
            p = {"exec": {"command": ["sh", "-c", "test -f /tmp/healthy"]}}
        p["initialDelaySeconds"] = self.pick([0, 5, 10, 15, 30])
        p["periodSeconds"] = self.pick([5, 10, 15, 20])
        if self.chance(0.5):
            p["timeoutSeconds"] = self.pick([1, 2, 3, 5])
            p["failureThreshold"] = self.pick([3, 5, 6])
        return p

    def resources(self):
        x = self.r.random()
        if x < 0.15:
            return None                                   # no resources at all
        cpu_req = self.pick(["50m", "100m", "200m", "250m", "500m", "1"])
        mem_req = self.pick(["64Mi", "128Mi", "256Mi", "512Mi", "1Gi"])
        res = {"requests": {"cpu": cpu_req, "memory": mem_req}}
        if x < 0.27:
            return res                                    # requests only
        lim = {}
        if self.chance(0.6):
            lim["cpu"] = self.pick(["200m", "500m", "1", "2"])
        if self.chance(0.92):
            lim["memory"] = self.pick(["128Mi", "256Mi", "512Mi", "1Gi", "2Gi"])
        if lim:
            res["limits"] = lim
        return res

    def security_context(self):
        x = self.r.random()
        if x < 0.3:
            return None
        sc = {}
        if self.chance(0.05):
            sc["privileged"] = True
        if self.chance(0.75):
            sc["allowPrivilegeEscalation"] = False
        if self.chance(0.6):
            sc["readOnlyRootFilesystem"] = self.chance(0.85)
        if self.chance(0.6):
            sc["runAsNonRoot"] = self.chance(0.9)
        if self.chance(0.4):
            sc["runAsUser"] = self.pick([1000, 1001, 65532, 101, 0])
        if self.chance(0.55):
            caps = {"drop": ["ALL"]}
            if self.chance(0.2):
                caps["add"] = [self.pick(["NET_BIND_SERVICE", "NET_ADMIN", "SYS_TIME"])]
            sc["capabilities"] = caps
        if self.chance(0.3):
            sc["seccompProfile"] = {"type": "RuntimeDefault"}
        return sc or None

    def env(self, app):
        out = []
        for n in self.r.sample(ENV_NAMES, self.r.randint(0, 6)):
            x = self.r.random()
            if x < 0.65:
                val = self.pick(["info", "debug", "8080", "true", "production", "UTC", "30s",
                                 "4", "eu-west-1", f"http://{app['name']}-otel:4317",
                                 f"postgres://{app['name']}@db:5432/{app['name']}"])
                out.append({"name": n, "value": val})
            elif x < 0.85:
                out.append({"name": n, "valueFrom": {"secretKeyRef": {"name": app["name"] + "-secrets", "key": n.lower()}}})
            else:
                out.append({"name": n, "valueFrom": {"configMapKeyRef": {"name": app["name"] + "-config", "key": n.lower()}}})
        if self.chance(0.2):
            out.append({"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}})
        return out

    def container(self, app, name, long_running=True, main=True):
        c = {"name": name, "image": self.image()}
        if self.chance(0.7):
            c["imagePullPolicy"] = self.pick(["IfNotPresent", "Always", "IfNotPresent"])
        if self.chance(0.35):
            c["command"] = [self.pick(["/app/server", "/usr/local/bin/run", "python", "node"])]
        if self.chance(0.5):
            c["args"] = self.r.sample(["--port=8080", "--log-format=json", "--metrics", "--config=/etc/app/config.yaml",
                                       "-v=2", "--enable-tracing", "--workers=4"], self.r.randint(1, 4))
        port = self.pick([80, 8080, 8000, 3000, 9090, 5432, 6379])
        if long_running and self.chance(0.85):
            ports = [{"name": "http", "containerPort": port, "protocol": "TCP"}]
            if self.chance(0.4):
                ports.append({"name": "metrics", "containerPort": 9102, "protocol": "TCP"})
            c["ports"] = ports
        e = self.env(app)
        if e:
            c["env"] = e
        if self.chance(0.25):
            c["envFrom"] = [{"configMapRef": {"name": app["name"] + "-config"}}]
        res = self.resources()
        if res:
            c["resources"] = res
        if long_running and main:
            if self.chance(0.65):
                c["livenessProbe"] = self.probe(port)
            if self.chance(0.7):
                c["readinessProbe"] = self.probe(port)
            if self.chance(0.15):
                c["startupProbe"] = self.probe(port)
        sc = self.security_context()
        if sc:
            c["securityContext"] = sc
        mounts = []
        if self.chance(0.6):
            mounts.append({"name": "config", "mountPath": "/etc/app", "readOnly": True})
        if self.chance(0.4):
            mounts.append({"name": "tmp", "mountPath": "/tmp"})
        if self.chance(0.2):
            mounts.append({"name": "data", "mountPath": "/var/lib/app"})
        if mounts:
            c["volumeMounts"] = mounts
        if self.chance(0.1):
            c["terminationMessagePolicy"] = "FallbackToLogsOnError"
        return c

    def pod_spec(self, app, long_running=True, host=False, restart=None):
        spec = {}
        if self.chance(0.6):
            spec["serviceAccountName"] = app["name"]
        if self.chance(0.2):
            spec["automountServiceAccountToken"] = False
        if self.chance(0.3):
            spec["imagePullSecrets"] = [{"name": "regcred"}]
        if host and self.chance(0.5):
            spec["hostNetwork"] = True
            spec["dnsPolicy"] = "ClusterFirstWithHostNet"
        if self.chance(0.45):
            psc = {}
            if self.chance(0.7):
                psc["runAsNonRoot"] = True
            if self.chance(0.6):
                psc["runAsUser"] = self.pick([1000, 1001, 65532])
                psc["runAsGroup"] = psc["runAsUser"]
            if self.chance(0.5):
                psc["fsGroup"] = 2000
            if self.chance(0.3):
                psc["seccompProfile"] = {"type": "RuntimeDefault"}
            if psc:
                spec["securityContext"] = psc
        if self.chance(0.2):
            spec["initContainers"] = [self.container(app, "init-" + self.pick(["migrate", "wait-db", "config", "perms"]),
                                                     long_running=False, main=False)]
        n = 1
        if self.chance(0.3):
            n = self.pick([2, 2, 3])
        conts = [self.container(app, app["name"], long_running)]
        sidecars = ["istio-proxy", "log-shipper", "metrics-exporter", "cloud-sql-proxy", "oauth2-proxy"]
        for s in self.r.sample(sidecars, n - 1):
            conts.append(self.container(app, s, long_running, main=self.chance(0.5)))
        spec["containers"] = conts
        if restart:
            spec["restartPolicy"] = restart
        vols = []
        if self.chance(0.6):
            vols.append({"name": "config", "configMap": {"name": app["name"] + "-config"}})
        if self.chance(0.4):
            vols.append({"name": "tmp", "emptyDir": {}})
        if host and self.chance(0.7):
            vols.append({"name": "varlog", "hostPath": {"path": "/var/log", "type": "Directory"}})
        if self.chance(0.2):
            vols.append({"name": "secrets", "secret": {"secretName": app["name"] + "-secrets", "defaultMode": 420}})
        if vols:
            spec["volumes"] = vols
        if self.chance(0.3):
            spec["nodeSelector"] = {"kubernetes.io/os": "linux"}
        if self.chance(0.25) or host:
            spec["tolerations"] = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]
        if long_running and self.chance(0.3):
            spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 100, "podAffinityTerm": {
                    "labelSelector": {"matchLabels": self.selector_labels(app)},
                    "topologyKey": "kubernetes.io/hostname"}}]}}
        if self.chance(0.3):
            spec["terminationGracePeriodSeconds"] = self.pick([10, 30, 60])
        return spec

    def pod_template(self, app, **kw):
        md = {"labels": dict(self.selector_labels(app), **({"app.kubernetes.io/version": app["version"]} if app["helm"] else {}))}
        if self.chance(0.5):
            md["annotations"] = {"checksum/config": self.hexstr(64)}
            if self.chance(0.5):
                md["annotations"]["prometheus.io/scrape"] = "true"
                md["annotations"]["prometheus.io/port"] = "9102"
        return {"metadata": md, "spec": self.pod_spec(app, **kw)}

    # -- kinds ---------------------------------------------------------------
    def deployment(self, app):
        spec = {"replicas": self.pick([1, 2, 3, 3, 5])}
        if self.chance(0.3):
            spec["revisionHistoryLimit"] = 10
        spec["selector"] = {"matchLabels": self.selector_labels(app)}
        if self.chance(0.5):
            spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
        spec["template"] = self.pod_template(app)
        return {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": self.metadata("Deployment", app, component="server"), "spec": spec}

    def statefulset(self, app):
        md = self.metadata("StatefulSet", app, component="database")
        spec = {"serviceName": md["name"] + "-headless", "replicas": self.pick([1, 3]),
                "selector": {"matchLabels": self.selector_labels(app)},
                "template": self.pod_template(app),
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "storageClassName": self.pick(["standard", "gp3", "premium-rwo"]),
                    "resources": {"requests": {"storage": self.pick(["1Gi", "8Gi", "20Gi", "100Gi"])}}}}]}
        if self.chance(0.4):
            spec["podManagementPolicy"] = "Parallel"
        return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": md, "spec": spec}

    def daemonset(self, app):
        spec = {"selector": {"matchLabels": self.selector_labels(app)},
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                "template": self.pod_template(app, host=True)}
        return {"apiVersion": "apps/v1", "kind": "DaemonSet",
                "metadata": self.metadata("DaemonSet", app, "-agent", component="agent"), "spec": spec}

    def job_spec(self, app):
        spec = {"backoffLimit": self.pick([0, 1, 3, 6])}
        if self.chance(0.5):
            spec["ttlSecondsAfterFinished"] = 3600
        if self.chance(0.3):
            spec["activeDeadlineSeconds"] = 1800
        spec["template"] = self.pod_template(app, long_running=False, restart=self.pick(["Never", "OnFailure"]))
        return spec

    def job(self, app):
        ann = {"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "-5"} if app["helm"] and self.chance(0.6) else None
        return {"apiVersion": "batch/v1", "kind": "Job",
                "metadata": self.metadata("Job", app, "-" + self.pick(["migrate", "seed", "backfill", "setup"]),
                                          component="job", annotations=ann),
                "spec": self.job_spec(app)}

    def cronjob(self, app):
        spec = {"schedule": self.pick(["*/5 * * * *", "0 * * * *", "30 2 * * *", "0 0 * * 0", "15 */6 * * *"]),
                "concurrencyPolicy": self.pick(["Forbid", "Allow", "Replace"]),
                "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1}
        if self.chance(0.3):
            spec["timeZone"] = "Etc/UTC"
        spec["jobTemplate"] = {"spec": self.job_spec(app)}
        return {"apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": self.metadata("CronJob", app, "-" + self.pick(["cleanup", "report", "sync", "backup"]),
                                          component="cron"),
                "spec": spec}

    def pod(self, app):
        return {"apiVersion": "v1", "kind": "Pod",
                "metadata": self.metadata("Pod", app, "-" + self.pick(["debug", "test", "toolbox"])),
                "spec": self.pod_spec(app, restart=self.pick(["Always", "Never"]))}

    def service(self, app):
        t = self.pick(["ClusterIP"] * 6 + ["NodePort", "LoadBalancer", "Headless"])
        spec = {}
        if t == "Headless":
            spec["clusterIP"] = "None"
        else:
            spec["type"] = t
        port = {"name": "http", "port": self.pick([80, 443, 8080]), "targetPort": self.pick(["http", 8080]), "protocol": "TCP"}
        if t == "NodePort":
            port["nodePort"] = self.r.randint(30000, 32767)
        spec["ports"] = [port]
        if self.chance(0.3):
            spec["ports"].append({"name": "metrics", "port": 9102, "targetPort": "metrics", "protocol": "TCP"})
        spec["selector"] = self.selector_labels(app)
        ann = None
        if t == "LoadBalancer":
            ann = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}
        return {"apiVersion": "v1", "kind": "Service",
                "metadata": self.metadata("Service", app, "-headless" if t == "Headless" else "", annotations=ann),
                "spec": spec}

    def configmap(self, app):
        data = {}
        for k in self.r.sample(["LOG_LEVEL", "PORT", "CACHE_TTL", "FEATURE_X", "REGION", "WORKERS"], self.r.randint(1, 4)):
            data[k] = self.pick(["info", "8080", "300", "true", "eu-west-1", "4"])
        if self.chance(0.6):
            lines = ["server:", f"  port: {self.pick([8080, 9000])}", "  timeouts:",
                     f"    read: {self.pick(['5s', '10s', '30s'])}", f"    write: {self.pick(['5s', '10s'])}",
                     "logging:", "  format: json", f"  level: {self.pick(['info', 'debug', 'warn'])}",
                     "database:", f"  host: {app['name']}-db.{app['ns']}.svc.cluster.local", "  pool: 10"]
            for i in range(self.r.randint(0, 12)):
                lines.append(f"feature_{self.hexstr(6)}: {self.pick(['true', 'false'])}")
            data["config.yaml"] = Block("\n".join(lines) + "\n")
        if self.chance(0.2):
            data["nginx.conf"] = Block("server {\n  listen 8080;\n  location / {\n    proxy_pass http://127.0.0.1:3000;\n  }\n}\n")
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": self.metadata("ConfigMap", app, "-config"), "data": data}

    def ingress(self, app):
        host = f"{app['name']}.{self.pick(['example.com', 'acme.io', 'internal.acme.io'])}"
        ann = {"cert-manager.io/cluster-issuer": "letsencrypt"} if self.chance(0.5) else None
        if ann and self.chance(0.5):
            ann["nginx.ingress.kubernetes.io/proxy-body-size"] = "10m"
        spec = {"ingressClassName": self.pick(["nginx", "alb", "traefik"])}
        if self.chance(0.6):
            spec["tls"] = [{"hosts": [host], "secretName": app["name"] + "-tls"}]
        paths = [{"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": app["name"], "port": {"name": "http"}}}}]
        if self.chance(0.3):
            paths.append({"path": "/api", "pathType": "Prefix",
                          "backend": {"service": {"name": app["name"] + "-api", "port": {"number": 8080}}}})
        spec["rules"] = [{"host": host, "http": {"paths": paths}}]
        return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": self.metadata("Ingress", app, annotations=ann), "spec": spec}

    def hpa(self, app):
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": self.pick([60, 70, 80])}}}]
        if self.chance(0.4):
            metrics.append({"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization", "averageUtilization": 80}}})
        spec = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app["name"]},
                "minReplicas": self.pick([1, 2, 3]), "maxReplicas": self.pick([5, 10, 20]), "metrics": metrics}
        if self.chance(0.3):
            spec["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": 300,
                                              "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]}}
        return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": self.metadata("HorizontalPodAutoscaler", app), "spec": spec}

    def pdb(self, app):
        spec = {}
        if self.chance(0.5):
            spec["minAvailable"] = self.pick([1, "50%"])
        else:
            spec["maxUnavailable"] = self.pick([1, "25%"])
        spec["selector"] = {"matchLabels": self.selector_labels(app)}
        return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                "metadata": self.metadata("PodDisruptionBudget", app), "spec": spec}

    def new_app(self, idx):
        name = self.pick(WORDS)
        if self.chance(0.5):
            name += "-" + self.pick(WORDS)
        helm = self.chance(0.5)
        return {"name": name, "release": name if not helm or self.chance(0.5) else f"{name}-{self.pick(['prod', 'v2', 'blue'])}",
                "ns": self.pick(NAMESPACES), "team": self.pick(TEAMS), "helm": helm,
                "chart": self.pick(CHARTS) if self.chance(0.5) else name,
                "chart_version": f"{self.r.randint(0, 4)}.{self.r.randint(0, 20)}.{self.r.randint(0, 9)}",
                "version": f"{self.r.randint(1, 3)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}"}

    def kind(self):
        total = sum(w for _, w in KIND_WEIGHTS)
        x = self.r.uniform(0, total)
        for k, w in KIND_WEIGHTS:
            x -= w
            if x <= 0:
                return k
        return KIND_WEIGHTS[-1][0]

    def make(self, kind, app):
        return {
            "Deployment": self.deployment, "StatefulSet": self.statefulset, "DaemonSet": self.daemonset,
            "CronJob": self.cronjob, "Job": self.job, "Pod": self.pod, "Service": self.service,
            "ConfigMap": self.configmap, "Ingress": self.ingress, "HorizontalPodAutoscaler": self.hpa,
            "PodDisruptionBudget": self.pdb,
        }[kind](app)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="number of documents (N)")
    ap.add_argument("--files", type=int, default=None, help="number of files (F); default max(1, N // 10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output directory (created; existing *.yaml in it are removed)")
    a = ap.parse_args(argv)
    n = a.docs
    f = a.files if a.files else max(1, n // 10)
    f = max(1, min(f, n))

    g = Gen(a.seed)
    docs = []          # (text, kind)
    app = None
    left_in_app = 0
    app_idx = 0
    for _ in range(n):
        if left_in_app == 0:
            app = g.new_app(app_idx)
            app_idx += 1
            left_in_app = g.r.randint(1, 12)
        left_in_app -= 1
        k = g.kind()
        body = to_yaml(g.make(k, app))
        if app["helm"]:
            body = f"# Source: {app['chart']}/templates/{TEMPLATE_FILE[k]}\n" + body
        docs.append((body, k))

    os.makedirs(a.out, exist_ok=True)
    for old in os.listdir(a.out):
        if old.endswith(".yaml"):
            os.remove(os.path.join(a.out, old))
    # contiguous split of the documents over f files, sizes differ by at most 1
    base, extra = divmod(n, f)
    pos = 0
    total_bytes = 0
    total_lines = 0
    h = hashlib.sha256()
    for i in range(f):
        cnt = base + (1 if i < extra else 0)
        chunk = docs[pos:pos + cnt]
        pos += cnt
        parts = []
        for j, (body, _) in enumerate(chunk):
            if j == 0 and g.r.random() < 0.5:
                parts.append(body)             # first document without a leading ---
            else:
                parts.append("---\n" + body)
        text = "".join(parts)
        path = os.path.join(a.out, f"manifests-{i:05d}.yaml")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        total_bytes += len(text.encode())
        total_lines += text.count("\n")
        h.update(text.encode())

    counts = {}
    lines_by_kind = {}
    for body, k in docs:
        counts[k] = counts.get(k, 0) + 1
        lines_by_kind.setdefault(k, []).append(body.count("\n"))
    summary = {"docs": n, "files": f, "seed": a.seed, "bytes": total_bytes, "lines": total_lines,
               "sha256": h.hexdigest(),
               "kinds": {k: {"count": counts[k], "min_lines": min(v), "median_lines": sorted(v)[len(v) // 2],
                             "max_lines": max(v)} for k, v in sorted(lines_by_kind.items())}}
    json.dump(summary, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
