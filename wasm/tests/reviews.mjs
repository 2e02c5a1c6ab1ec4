// AdmissionReview requests for the tests and the webhook load script.

/** A Deployment of about a hundred lines, as the API server sends it; `privileged` and `image` vary. */
export function deployment({ privileged = false, image = 'registry.example.com/shop/web:2.4.1', namespace } = {}) {
  const container = (name, port) => ({
    name,
    image,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/live', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    securityContext: {
      privileged,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'storefront',
      ...(namespace ? { namespace } : {}),
      labels: { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/version': '2.4.1' },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'storefront' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'storefront' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [container('web', 8080), container('sidecar', 9090)],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** An AdmissionReview request for `object`. */
export function review(object, { uid = 'e911857d-c318-11e8-bbad-025000000001', operation = 'CREATE', namespace = 'shop', subResource } = {}) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: object?.apiVersion?.split('/')[0] ?? '', version: 'v1', kind: object?.kind ?? '' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      ...(subResource ? { subResource } : {}),
      name: object?.metadata?.name,
      namespace,
      operation,
      userInfo: { username: 'admin', groups: ['system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: operation === 'UPDATE' ? object : null,
      dryRun: false,
    },
  };
}
