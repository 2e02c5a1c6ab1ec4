// The manifest the "Sample" button loads: a Deployment with a few things to find.
export const SAMPLE = `# A Deployment with problems: try the findings on the right.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: storefront
  template:
    metadata:
      labels:
        app: storefront
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/storefront:latest
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
        - name: log-shipper
          image: registry.example.com/tools/shipper:3.1
          securityContext:
            privileged: yes
          readinessProbe:
            tcpSocket:
              port: 24224
          resources:
            limits:
              memory: 128Mi
`;
