import { findUnknownFields, openapiV3Document, openapiV3Hash, openapiV3Paths, patchMeta } from '../../../sandbox/cluster/apiserver/openapi';
import { findUnknownFieldsWithSchema } from '../../../sandbox/cluster/apiserver/openapi/unknown-fields';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, unknown> }; 'x-kubernetes-action'?: string; 'x-kubernetes-group-version-kind'?: unknown }>>;
  components: { schemas: Record<string, Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> }> };
};
const doc = (gv: string) => openapiV3Document(gv) as Doc;

describe('GET /openapi/v3', () => {
  test('lists the group-versions with hashed URLs', () => {
    const paths = openapiV3Paths();
    for (const gv of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/networking.k8s.io/v1', 'apis/storage.k8s.io/v1', 'apis/policy/v1', 'apis/autoscaling/v1', 'apis/autoscaling/v2', 'apis/rbac.authorization.k8s.io/v1', 'apis/coordination.k8s.io/v1', 'apis/events.k8s.io/v1', 'apis/discovery.k8s.io/v1']) {
      expect(paths[gv].serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
    }
    expect(Object.keys(paths).some((gv) => /beta|alpha/.test(gv))).toBe(false);
  });
  test('hashes are stable and belong to the document', () => {
    const first = openapiV3Paths()['apis/apps/v1'].serverRelativeURL;
    expect(openapiV3Paths()['apis/apps/v1'].serverRelativeURL).toBe(first);
    expect(first.endsWith(`hash=${openapiV3Hash('apis/apps/v1')}`)).toBe(true);
    expect(openapiV3Hash('api/v1')).not.toBe(openapiV3Hash('apis/apps/v1'));
  });
  test('unknown group-versions have no document', () => {
    expect(openapiV3Document('apis/example.com/v1')).toBeUndefined();
    expect(openapiV3Document('/apis/apps/v1')).toBe(openapiV3Document('apis/apps/v1'));
  });
});

describe('group-version documents', () => {
  test('are OpenAPI 3.0 with Kubernetes definition names and GVK extensions', () => {
    const apps = doc('apis/apps/v1');
    expect(apps.openapi).toBe('3.0.0');
    expect(apps.components.schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(apps.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    expect(apps.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties?.replicas.description).toMatch(/Number of desired pods/);
  });
  test('carry the strategic-merge extensions', () => {
    const core = doc('api/v1').components.schemas;
    expect(core['io.k8s.api.core.v1.PodSpec'].properties?.containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    expect(core['io.k8s.api.core.v1.ServiceSpec'].properties?.ports).toMatchObject({ 'x-kubernetes-list-map-keys': ['port', 'protocol'], 'x-kubernetes-list-type': 'map' });
  });
  test('wrap described references in allOf and leave no dangling refs', () => {
    const apps = doc('apis/apps/v1');
    expect(apps.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties?.template).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' }] });
    for (const gv of Object.keys(openapiV3Paths())) {
      const d = doc(gv);
      for (const m of JSON.stringify(d).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(d.components.schemas[m[1]]).toBeDefined();
      expect(JSON.stringify(d)).not.toContain('#/definitions/');
    }
  });
  test('operations carry action, GVK, request bodies and fieldValidation on writes', () => {
    const item = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item.patch['x-kubernetes-action']).toBe('patch');
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(Object.keys(item.patch.requestBody?.content ?? {})).toEqual(expect.arrayContaining(['application/strategic-merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml']));
    for (const method of ['patch', 'put']) expect(item[method].parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fieldValidation', in: 'query' })]));
    expect(doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'fieldValidation' })]));
    expect(item.get.parameters?.some((p) => p.name === 'fieldValidation') ?? false).toBe(false);
  });
  test('include types and fields newer than the base spec', () => {
    const core = doc('api/v1').components.schemas;
    expect(core['io.k8s.api.core.v1.Container'].properties?.restartPolicy).toBeDefined();
    expect(core['io.k8s.api.core.v1.PodSpec'].properties?.schedulingGates).toBeDefined();
    const hpa = doc('apis/autoscaling/v2');
    expect(hpa.components.schemas['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler']['x-kubernetes-group-version-kind']).toEqual([{ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' }]);
    expect(hpa.paths['/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler', version: 'v2' });
  });
});

describe('findUnknownFields', () => {
  const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' }, annotations: { anything: 'goes' } }, spec });
  const template = (container: Record<string, unknown>) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ...container }] } });
  test('a valid object has none', () => {
    expect(findUnknownFields(deployment({ replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }, template: template({ ports: [{ containerPort: 80, name: 'http' }], resources: { limits: { cpu: '500m', memory: '128Mi' } }, env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }) }))).toEqual([]);
  });
  test('reports misspelt fields with their paths', () => {
    expect(findUnknownFields(deployment({ replicaz: 2, selector: { matchLabels: { app: 'web' } }, template: template({ imagee: 'nginx', ports: [{ containerPort: 80, protocl: 'TCP' }] }) }))).toEqual([
      'spec.replicaz',
      'spec.template.spec.containers[0].imagee',
      'spec.template.spec.containers[0].ports[0].protocl',
    ]);
    expect(findUnknownFields({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', lables: {} }, data: { a: '1' }, extra: true })).toEqual(['metadata.lables', 'extra']);
  });
  test('maps, int-or-string and free-form RawExtension accept any keys', () => {
    expect(findUnknownFields({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { 'any/key': 'v' }, ports: [{ port: 80, targetPort: 'http' }] } })).toEqual([]);
    expect(findUnknownFields({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { whatever: { nested: true } } })).toEqual([]);
  });
  test('sidecar containers and other fields newer than the base spec are known', () => {
    expect(findUnknownFields({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { initContainers: [{ name: 'log', image: 'busybox', restartPolicy: 'Always' }], containers: [{ name: 'a', image: 'x', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }] }], schedulingGates: [{ name: 'g' }] } })).toEqual([]);
  });
  test('x-kubernetes-preserve-unknown-fields stops the check', () => {
    const schema = { type: 'object', properties: { known: { type: 'string' }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
    expect(findUnknownFieldsWithSchema({ known: 'x', free: { a: { b: 1 } }, nope: 1 }, schema)).toEqual(['nope']);
  });
  test('kinds without a built-in schema are not checked', () => {
    expect(findUnknownFields({ apiVersion: 'example.com/v1', kind: 'Widget', spec: { anything: 1 } })).toEqual([]);
  });
});

describe('patchMeta', () => {
  test('reads merge keys and list types through refs and list items', () => {
    expect(patchMeta('apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers'])).toEqual({ patchStrategy: 'merge', patchMergeKey: 'name' });
    expect(patchMeta('apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers', 'ports'])).toEqual({ patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] });
    expect(patchMeta('v1', 'Service', ['spec', 'ports'])).toEqual({ patchStrategy: 'merge', patchMergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] });
    expect(patchMeta('v1', 'Pod', ['metadata', 'finalizers'])).toEqual({ patchStrategy: 'merge' });
    expect(patchMeta('v1', 'Pod', ['spec', 'containers', 'command'])).toEqual({});
  });
  test('unknown kinds and paths give undefined', () => {
    expect(patchMeta('example.com/v1', 'Widget', ['spec'])).toBeUndefined();
    expect(patchMeta('v1', 'Pod', ['spec', 'nope'])).toBeUndefined();
  });
});
