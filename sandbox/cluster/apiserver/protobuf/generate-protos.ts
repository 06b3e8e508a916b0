// Copies the upstream Kubernetes `generated.proto` files the decoder needs into ./proto, with
// comments and blank lines stripped (field names and numbers stay exactly upstream's), and writes
// ./proto/json-fields.json from the Go types (types.go): per message, the proto fields whose JSON
// name differs and the fields Go's encoding/json emits even when zero (pointers and fields without
// omitempty), so decoded objects come out exactly like the JSON the real API server would see.
// Usage: npx tsx sandbox/cluster/apiserver/protobuf/generate-protos.ts <k8s.io/api checkout> <k8s.io/apimachinery checkout>
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_PACKAGES, APIMACHINERY_PACKAGES } from './packages';


function stripComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\/\/.*$/, '').replace(/\s+$/, ''))
    .filter((line) => line !== '' && !line.startsWith('option go_package'))
    .join('\n') + '\n';
}

function main(): void {
  const [apiDir, machineryDir] = process.argv.slice(2);
  if (!apiDir || !machineryDir) {
    console.error('usage: generate-protos.ts <k8s.io/api dir> <k8s.io/apimachinery dir>');
    process.exit(2);
  }
  const out = join(__dirname, 'proto');
  rmSync(out, { recursive: true, force: true });
  const fields: Record<string, JsonFields> = {};
  const copy = (dir: string, importPath: string) => {
    const to = join(out, importPath, 'generated.proto');
    mkdirSync(dirname(to), { recursive: true });
    const proto = readFileSync(join(dir, 'generated.proto'), 'utf8');
    writeFileSync(to, `// Generated from upstream ${importPath}/generated.proto by generate-protos.ts. Do not edit.\n` + stripComments(proto));
    const pkg = /^package ([\w.]+);/m.exec(proto)?.[1] ?? '';
    for (const file of readdirSync(dir).filter((f) => /^types.*\.go$/.test(f) && !f.endsWith('_test.go'))) {
      for (const [message, info] of Object.entries(goJsonFields(readFileSync(join(dir, file), 'utf8')))) fields[`${pkg}.${message}`] = info;
    }
  };
  for (const p of API_PACKAGES) copy(join(apiDir, p), `k8s.io/api/${p}`);
  for (const p of APIMACHINERY_PACKAGES) copy(join(machineryDir, p), `k8s.io/apimachinery/${p}`);
  writeFileSync(join(out, 'json-fields.json'), JSON.stringify(fields) + '\n');
}

interface JsonFields {
  /** proto field name -> JSON name, where they differ */
  rename?: Record<string, string>;
  /** proto field names whose zero value Go still writes to JSON */
  keepZero?: string[];
  /** embedded structs (`json:",inline"`) whose fields appear in the parent object */
  inline?: string[];
}

/** Reads Go struct definitions: `Name Type \`json:"name,omitempty" protobuf:"varint,1,opt,name=name"\``. */
function goJsonFields(source: string): Record<string, JsonFields> {
  const result: Record<string, JsonFields> = {};
  let current: string | undefined;
  for (const line of source.split('\n')) {
    const open = /^type (\w+) struct \{/.exec(line);
    if (open) { current = open[1]; continue; }
    if (line.startsWith('}')) { current = undefined; continue; }
    if (!current) continue;
    // `Name Type \`tags\`` or an embedded `Type \`tags\``.
    const field = /^\s+(?:(\w+)\s+)?(\*?[\w.[\]]+)\s+`(.*)`/.exec(line);
    if (!field) continue;
    const [, goName, goType, tags] = field;
    const json = /json:"([^"]*)"/.exec(tags)?.[1];
    const protoName = /protobuf:"[^"]*name=(\w+)/.exec(tags)?.[1];
    if (json === undefined || !protoName) continue;
    const [jsonName, ...opts] = json.split(',');
    const info = (result[current] ??= {});
    if (jsonName === '' && (opts.includes('inline') || goName === undefined)) (info.inline ??= []).push(protoName);
    else if (jsonName && jsonName !== protoName) (info.rename ??= {})[protoName] = jsonName;
    if (goType.startsWith('*') || !(opts.includes('omitempty') || opts.includes('omitzero'))) (info.keepZero ??= []).push(protoName);
  }
  for (const [k, v] of Object.entries(result)) if (!v.rename && !v.keepZero && !v.inline) delete result[k];
  return result;
}

if (require.main === module) main();
