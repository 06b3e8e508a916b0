// Newer Kubernetes fields and types for the OpenAPI documents. The upstream swagger we ship
// (fetch-swagger.sh) is from Kubernetes 1.22; the `kubernetes-models` package (installed, built
// from a recent Kubernetes spec) knows the types and fields added since (sidecar restartPolicy,
// resizePolicy, schedulingGates, autoscaling/v2, ...). This reads its type declarations and writes
// data/overlay.json.gz: the definitions and properties the swagger lacks, as swagger 2.0 schemas.
// Usage: npx tsx sandbox/cluster/apiserver/openapi/data/generate-overlay.ts
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import ts from 'typescript';

type Schema = Record<string, unknown>;

const ROOTS = [dirname(require.resolve('kubernetes-models/package.json')), dirname(require.resolve('@kubernetes-models/apimachinery/package.json'))];
const SWAGGER = join(__dirname, 'swagger-1.22.json.gz');
const OUT = join(__dirname, 'overlay.json.gz');

/** `IoK8sApiCoreV1Pod` -> `io.k8s.api.core.v1.Pod` (known definitions first, then Kubernetes' naming scheme). */
function definitionName(camel: string, known: Map<string, string>): string | undefined {
  const hit = known.get(camel);
  if (hit) return hit;
  const prefixes: Array<[RegExp, (m: RegExpExecArray) => string]> = [
    [/^IoK8sApi([A-Z][a-z0-9]*)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/, (m) => `io.k8s.api.${m[1].toLowerCase()}.${m[2].toLowerCase()}.${m[3]}`],
    [/^IoK8sApimachineryPkgApisMeta(V\d+)([A-Z]\w*)$/, (m) => `io.k8s.apimachinery.pkg.apis.meta.${m[1].toLowerCase()}.${m[2]}`],
    [/^IoK8sApiextensionsApiserverPkgApisApiextensions(V\d+)([A-Z]\w*)$/, (m) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${m[1].toLowerCase()}.${m[2]}`],
    [/^IoK8sKubeAggregatorPkgApisApiregistration(V\d+)([A-Z]\w*)$/, (m) => `io.k8s.kube-aggregator.pkg.apis.apiregistration.${m[1].toLowerCase()}.${m[2]}`],
  ];
  for (const [re, f] of prefixes) {
    const m = re.exec(camel);
    if (m) return f(m);
  }
  return undefined;
}

function camelOf(dotted: string): string {
  return dotted.split(/[.-]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.d.ts') && name !== 'index.d.ts') out.push(p);
  }
  return out;
}

function jsDoc(node: ts.Node): string | undefined {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc;
  const comment = docs?.[0]?.comment;
  return typeof comment === 'string' ? comment : undefined;
}

interface Definition {
  schema: Schema;
  gvk?: { group: string; version: string; kind: string };
}

function main(): void {
  const swagger = JSON.parse(gunzipSync(readFileSync(SWAGGER)).toString('utf8')) as { definitions: Record<string, Schema> };
  const known = new Map(Object.keys(swagger.definitions).map((d) => [camelOf(d), d]));
  const defs = new Map<string, Definition>();

  for (const root of ROOTS) {
    for (const file of files(root)) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      // `export { IPod as IIoK8sApiCoreV1Pod, ... }`: local interface name -> definition name.
      const local = new Map<string, string>();
      sf.forEachChild((n) => {
        if (ts.isExportDeclaration(n) && n.exportClause && ts.isNamedExports(n.exportClause)) {
          for (const s of n.exportClause.elements) {
            if (s.propertyName && s.name.text.startsWith('IIoK8s')) {
              const def = definitionName(s.name.text.slice(1), known);
              if (def) local.set(s.propertyName.text, def);
            }
          }
        }
      });
      const refName = (name: string): string | undefined => local.get(name) ?? (name.startsWith('IIoK8s') ? definitionName(name.slice(1), known) : undefined);
      const toSchema = (t: ts.TypeNode): Schema => {
        if (t.kind === ts.SyntaxKind.StringKeyword) return { type: 'string' };
        if (t.kind === ts.SyntaxKind.NumberKeyword) return { type: 'integer' };
        if (t.kind === ts.SyntaxKind.BooleanKeyword) return { type: 'boolean' };
        if (ts.isArrayTypeNode(t)) return { type: 'array', items: toSchema(t.elementType) };
        if (ts.isTypeReferenceNode(t)) {
          const name = t.typeName.getText(sf);
          if (name === 'Array' && t.typeArguments?.length === 1) return { type: 'array', items: toSchema(t.typeArguments[0]) };
          const def = refName(name);
          return def ? { $ref: `#/definitions/${def}` } : { type: 'object' };
        }
        if (ts.isTypeLiteralNode(t)) {
          const index = t.members.find(ts.isIndexSignatureDeclaration);
          if (index?.type) return { type: 'object', additionalProperties: toSchema(index.type) };
          return { type: 'object' };
        }
        if (ts.isUnionTypeNode(t)) {
          const kinds = new Set(t.types.map((u) => u.kind));
          if (kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) return { type: 'string', format: 'int-or-string' };
          if (t.types.every((u) => ts.isLiteralTypeNode(u) && ts.isStringLiteral(u.literal))) return { type: 'string', enum: t.types.map((u) => ((u as ts.LiteralTypeNode).literal as ts.StringLiteral).text) };
          return { type: 'object' };
        }
        if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)) return { type: 'string' };
        return { type: 'object' };
      };
      sf.forEachChild((n) => {
        if (!ts.isInterfaceDeclaration(n)) return;
        const def = local.get(n.name.text);
        if (!def || defs.has(def)) return;
        const properties: Record<string, Schema> = {};
        const required: string[] = [];
        let apiVersion: string | undefined;
        let kind: string | undefined;
        for (const m of n.members) {
          if (!ts.isPropertySignature(m) || !m.type) continue;
          const name = ts.isStringLiteral(m.name) || ts.isIdentifier(m.name) ? m.name.text : m.name.getText(sf);
          const schema = toSchema(m.type);
          if (ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) {
            if (name === 'apiVersion') apiVersion = m.type.literal.text;
            if (name === 'kind') kind = m.type.literal.text;
          }
          const description = jsDoc(m);
          properties[name] = description ? { description, ...schema } : schema;
          if (!m.questionToken && name !== 'apiVersion' && name !== 'kind') required.push(name);
        }
        const schema: Schema = { type: 'object', properties };
        const description = jsDoc(n);
        if (description) schema.description = description;
        if (required.length > 0) schema.required = required;
        let gvk: Definition['gvk'];
        if (apiVersion && kind) {
          const slash = apiVersion.indexOf('/');
          gvk = { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind };
          schema['x-kubernetes-group-version-kind'] = [gvk];
        }
        defs.set(def, { schema, gvk });
      });
    }
  }

  // Keep only what the swagger lacks: whole new definitions, or new properties of known ones.
  const overlay: { definitions: Record<string, Schema>; properties: Record<string, Record<string, Schema>> } = { definitions: {}, properties: {} };
  for (const [name, { schema }] of [...defs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const existing = swagger.definitions[name];
    if (!existing) {
      overlay.definitions[name] = schema;
      continue;
    }
    const known = (existing.properties ?? {}) as Record<string, Schema>;
    const added = Object.fromEntries(Object.entries(schema.properties as Record<string, Schema>).filter(([p]) => !(p in known)));
    if (Object.keys(added).length > 0) overlay.properties[name] = added;
  }
  writeFileSync(OUT, gzipSync(JSON.stringify(overlay), { level: 9 }));
  console.log(`${Object.keys(overlay.definitions).length} new definitions, ${Object.keys(overlay.properties).length} definitions with new properties -> ${OUT}`);
}

main();
