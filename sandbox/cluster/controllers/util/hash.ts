// The pod-template-hash: FNV-32a over the template (plus collisionCount, little-endian) rendered
// as decimal and mapped through the safe-encoding alphabet, like controller.ComputeHash. Upstream
// hashes Go's spew dump of the struct; we hash a canonical JSON rendering, so the value differs
// from a real cluster's but has the same shape (digits 4-9 and b,c,d,f) and the same stability:
// equal templates give equal hashes.

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** utilrand.String(n): random characters from the safe alphabet. */
export function randomSuffix(n = 5): string {
  let out = '';
  for (let i = 0; i < n; i++) out += SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)];
  return out;
}

function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with sorted keys, dropping undefined/null and empty objects/arrays (Go's omitempty). */
export function canonicalJSON(value: unknown): string {
  const norm = normalize(value);
  return JSON.stringify(norm === undefined ? {} : norm);
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v) ?? null);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = normalize((value as Record<string, unknown>)[k]);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  const bytes = Buffer.from(canonicalJSON(template), 'utf8');
  let h = fnv32a(bytes);
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = Buffer.alloc(8);
    extra.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}

/** Deep equality that treats missing, null, {} and [] alike (apimachinery's Semantic.DeepEqual on JSON). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJSON(a) === canonicalJSON(b);
}
