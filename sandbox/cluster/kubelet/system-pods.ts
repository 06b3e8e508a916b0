// What kubeadm + Calico leave in a fresh cluster, so `kubectl get pods -A` looks like the notes:
// static control-plane pods mirrored by the control-plane kubelet (`etcd-m-k8s` …), the
// kube-proxy and calico-node DaemonSets, the coredns and calico-kube-controllers Deployments,
// and the `kubernetes` / `kube-dns` Services. Objects that already exist (persisted state, or
// created by another component) are left alone. These pods run on the simulated runtime on
// every profile: the real control plane is this process.
import { createHash } from 'node:crypto';
import { applyDefaults } from '../api/defaults';
import { REF } from '../api/registry';
import { isStatusError } from '../api/errors';
import type { ClusterContext, NodeSpecInput } from '../context';
import type { KubeObject, ResourceRef } from '../store/types';
import { CALICO_VERSION, COREDNS_IMAGE, ETCD_IMAGE, KUBERNETES_VERSION } from './runtimes/simulated/images';
import { parseCIDR } from './ipam';
import { apiTime, scaled, Timers } from './time';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** What `kubeadm init` pre-pulls on a control-plane node (`kubeadm config images pull`). */
export const CONTROL_PLANE_IMAGES = [
  ETCD_IMAGE,
  `registry.k8s.io/kube-apiserver:${KUBERNETES_VERSION}`,
  `registry.k8s.io/kube-controller-manager:${KUBERNETES_VERSION}`,
  `registry.k8s.io/kube-scheduler:${KUBERNETES_VERSION}`,
  `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`,
  COREDNS_IMAGE,
  'registry.k8s.io/pause:3.10.1',
];
const CONTROL_PLANE_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' };
const CONTROL_PLANE_SELECTOR = { 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' };

/** Image prefixes of cluster infrastructure: such pods in kube-system always run simulated. */
const INFRA_PREFIXES = ['registry.k8s.io/', 'docker.io/calico/', 'calico/'];

export function isInfrastructurePod(pod: KubeObject): boolean {
  if (pod.metadata.namespace !== 'kube-system') return false;
  const spec = pod.spec as { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> };
  const images = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.image ?? '');
  return images.length > 0 && images.every((i) => INFRA_PREFIXES.some((p) => i.startsWith(p)));
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The n-th address of a CIDR (`10.96.0.0/12`, 10 → `10.96.0.10`). */
export function nthAddress(cidr: string, n: number): string {
  return intToIp(parseCIDR(cidr).base + n);
}

function createIfMissing(ctx: ClusterContext, ref: ResourceRef, obj: KubeObject): void {
  if (ctx.store.get(ref, obj.metadata.namespace, obj.metadata.name!)) return;
  try {
    ctx.store.create(ref, applyDefaults(obj));
  } catch (err) {
    if (!(isStatusError(err) && err.code === 409)) throw err;
  }
}

function staticPod(node: NodeSpecInput, component: string, image: string, command: string[], cpu: string, extra: Record<string, unknown> = {}, memory?: string): KubeObject {
  const spec = {
    containers: [
      {
        name: component,
        image,
        imagePullPolicy: 'IfNotPresent',
        command,
        resources: { requests: { cpu, ...(memory ? { memory } : {}) } },
      },
    ],
    hostNetwork: true,
    priority: 2000001000,
    priorityClassName: 'system-node-critical',
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    nodeName: node.name,
  };
  const hash = createHash('md5').update(JSON.stringify(spec)).digest('hex');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${component}-${node.name}`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      annotations: { ...extra, 'kubernetes.io/config.hash': hash, [MIRROR_ANNOTATION]: hash, 'kubernetes.io/config.source': 'file' },
    },
    spec,
  };
}

export class SystemObjects {
  private readonly timers = new Timers();
  private stopped = false;

  constructor(private readonly ctx: ClusterContext) {}

  ensureNamespaces(): void {
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      createIfMissing(this.ctx, REF.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
  }

  /** Creates everything that is missing. */
  ensure(): void {
    this.ensureConfig();
    this.ensureServices();
    this.ensureAddons();
    for (const node of this.ctx.options.nodes) if (node.controlPlane) this.ensureStaticPods(node);
  }

  /** Service accounts and the ConfigMaps kubeadm writes (the add-on pods mount some of them). */
  private ensureConfig(): void {
    const o = this.ctx.options;
    for (const name of ['calico-kube-controllers', 'calico-node', 'coredns', 'kube-proxy']) {
      createIfMissing(this.ctx, REF.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kube-system' } });
    }
    const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system', ...(labels ? { labels } : {}) }, data });
    const dnsDomain = 'cluster.local';
    createIfMissing(
      this.ctx,
      REF.configmaps,
      cm('coredns', {
        Corefile: [
          '.:53 {',
          '    errors',
          '    health {',
          '       lameduck 5s',
          '    }',
          '    ready',
          `    kubernetes ${dnsDomain} in-addr.arpa ip6.arpa {`,
          '       pods insecure',
          '       fallthrough in-addr.arpa ip6.arpa',
          '       ttl 30',
          '    }',
          '    prometheus :9153',
          '    forward . /etc/resolv.conf {',
          '       max_concurrent 1000',
          '    }',
          '    cache 30 {',
          '       disable success cluster.local',
          '       disable denial cluster.local',
          '    }',
          '    loop',
          '    reload',
          '    loadbalance',
          '}',
          '',
        ].join('\n'),
      }),
    );
    createIfMissing(
      this.ctx,
      REF.configmaps,
      cm(
        'kube-proxy',
        {
          'config.conf': ['apiVersion: kubeproxy.config.k8s.io/v1alpha1', 'bindAddress: 0.0.0.0', `clusterCIDR: ${o.podCIDR}`, 'kind: KubeProxyConfiguration', 'mode: ""', ''].join('\n'),
          'kubeconfig.conf': ['apiVersion: v1', 'kind: Config', 'clusters:', '- cluster:', '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt', `    server: https://${o.nodes.find((n) => n.controlPlane)?.internalIP ?? '127.0.0.1'}:6443`, '  name: default', ''].join('\n'),
        },
        { app: 'kube-proxy' },
      ),
    );
    createIfMissing(
      this.ctx,
      REF.configmaps,
      cm('kubeadm-config', {
        ClusterConfiguration: [
          'apiVersion: kubeadm.k8s.io/v1beta4',
          'kind: ClusterConfiguration',
          `kubernetesVersion: ${KUBERNETES_VERSION}`,
          'networking:',
          `  dnsDomain: ${dnsDomain}`,
          `  podSubnet: ${o.podCIDR}`,
          `  serviceSubnet: ${o.serviceCIDR}`,
          '',
        ].join('\n'),
      }),
    );
  }

  private ensureServices(): void {
    const o = this.ctx.options;
    createIfMissing(this.ctx, REF.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: nthAddress(o.serviceCIDR, 1),
        clusterIPs: [nthAddress(o.serviceCIDR, 1)],
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
    });
    createIfMissing(this.ctx, REF.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: nthAddress(o.serviceCIDR, 10),
        clusterIPs: [nthAddress(o.serviceCIDR, 10)],
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
    });
  }

  private ensureAddons(): void {
    const o = this.ctx.options;
    createIfMissing(this.ctx, REF.daemonsets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            containers: [
              {
                name: 'kube-proxy',
                image: `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`,
                imagePullPolicy: 'IfNotPresent',
                command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
                env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
                securityContext: { privileged: true },
                volumeMounts: [
                  { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
                  { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                  { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
                ],
              },
            ],
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'kube-proxy',
            volumes: [
              { name: 'kube-proxy', configMap: { name: 'kube-proxy', defaultMode: 420 } },
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
              { name: 'lib-modules', hostPath: { path: '/lib/modules', type: '' } },
            ],
            tolerations: [{ operator: 'Exists' }],
          },
        },
      },
    });
    createIfMissing(this.ctx, REF.daemonsets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'calico-node', namespace: 'kube-system', labels: { 'k8s-app': 'calico-node' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'calico-node' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-node' } },
          spec: {
            initContainers: [
              {
                name: 'install-cni',
                image: `docker.io/calico/cni:${CALICO_VERSION}`,
                imagePullPolicy: 'IfNotPresent',
                command: ['/opt/cni/bin/install'],
                env: [{ name: 'CNI_CONF_NAME', value: '10-calico.conflist' }],
                securityContext: { privileged: true },
              },
            ],
            containers: [
              {
                name: 'calico-node',
                image: `docker.io/calico/node:${CALICO_VERSION}`,
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'DATASTORE_TYPE', value: 'kubernetes' },
                  { name: 'CALICO_IPV4POOL_CIDR', value: o.podCIDR },
                  { name: 'CALICO_IPV4POOL_IPIP', value: 'Always' },
                  { name: 'NODENAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
                  { name: 'IP', value: 'autodetect' },
                ],
                resources: { requests: { cpu: '250m' } },
                securityContext: { privileged: true },
              },
            ],
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'calico-node',
            terminationGracePeriodSeconds: 0,
            tolerations: [
              { effect: 'NoSchedule', operator: 'Exists' },
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
            ],
          },
        },
      },
    });
    createIfMissing(this.ctx, REF.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            containers: [
              {
                name: 'coredns',
                image: COREDNS_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { containerPort: 53, name: 'dns', protocol: 'UDP' },
                  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                  { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                ],
                resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
                livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
                readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
                volumeMounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }], defaultMode: 420 } }],
            dnsPolicy: 'Default',
            nodeSelector: CONTROL_PLANE_SELECTOR,
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: 'coredns',
            tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, CONTROL_PLANE_TOLERATION],
          },
        },
      },
    });
    createIfMissing(this.ctx, REF.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'calico-kube-controllers', namespace: 'kube-system', labels: { 'k8s-app': 'calico-kube-controllers' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'k8s-app': 'calico-kube-controllers' } },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-kube-controllers' }, name: 'calico-kube-controllers', namespace: 'kube-system' },
          spec: {
            containers: [
              {
                name: 'calico-kube-controllers',
                image: `docker.io/calico/kube-controllers:${CALICO_VERSION}`,
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'ENABLED_CONTROLLERS', value: 'node,loadbalancer' },
                  { name: 'DATASTORE_TYPE', value: 'kubernetes' },
                ],
              },
            ],
            nodeSelector: CONTROL_PLANE_SELECTOR,
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: 'calico-kube-controllers',
            tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, CONTROL_PLANE_TOLERATION],
          },
        },
      },
    });
  }

  private staticPods(node: NodeSpecInput): KubeObject[] {
    const o = this.ctx.options;
    const ip = node.internalIP;
    return [
      staticPod(node, 'etcd', ETCD_IMAGE, ['etcd', `--advertise-client-urls=https://${ip}:2379`, '--data-dir=/var/lib/etcd', `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`, `--name=${node.name}`], '100m', { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` }, '100Mi'),
      staticPod(
        node,
        'kube-apiserver',
        `registry.k8s.io/kube-apiserver:${KUBERNETES_VERSION}`,
        ['kube-apiserver', `--advertise-address=${ip}`, '--authorization-mode=Node,RBAC', '--etcd-servers=https://127.0.0.1:2379', '--secure-port=6443', `--service-cluster-ip-range=${o.serviceCIDR}`],
        '250m',
        { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:6443` },
      ),
      staticPod(node, 'kube-controller-manager', `registry.k8s.io/kube-controller-manager:${KUBERNETES_VERSION}`, ['kube-controller-manager', '--allocate-node-cidrs=true', `--cluster-cidr=${o.podCIDR}`, '--leader-elect=true', `--service-cluster-ip-range=${o.serviceCIDR}`], '200m'),
      staticPod(node, 'kube-scheduler', `registry.k8s.io/kube-scheduler:${KUBERNETES_VERSION}`, ['kube-scheduler', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true'], '100m'),
    ];
  }

  private ensureStaticPods(node: NodeSpecInput): void {
    const nodeObj = this.ctx.store.get(REF.nodes, undefined, node.name);
    for (const pod of this.staticPods(node)) {
      if (nodeObj) pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: nodeObj.metadata.uid!, controller: true }];
      (pod.metadata.annotations as Record<string, string>)['kubernetes.io/config.seen'] = apiTime(this.ctx.now()).replace('Z', '.000000000Z');
      createIfMissing(this.ctx, REF.pods, pod);
    }
  }

  /** A mirror pod was deleted: the kubelet re-creates it from its static manifest, as in Kubernetes. */
  onPodDeleted(pod: KubeObject): void {
    if (this.stopped || !pod.metadata.annotations?.[MIRROR_ANNOTATION]) return;
    const nodeName = (pod.spec as { nodeName?: string }).nodeName;
    const node = this.ctx.options.nodes.find((n) => n.name === nodeName && n.controlPlane);
    if (!node) return;
    this.timers.after(scaled(500, this.ctx.options.timeScale, 10), () => {
      if (!this.stopped) this.ensureStaticPods(node);
    });
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear();
  }
}
