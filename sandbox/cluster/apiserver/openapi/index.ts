// OpenAPI v3 for the mini-cluster: the discovery map (`GET /openapi/v3`), one document per
// group-version (`GET /openapi/v3/<gv>`), and the unknown-field check behind `fieldValidation`.
// Everything is generated from Kubernetes' own published schema (see swagger.ts) and cached.

import { buildDocument, documentHash, groupVersions } from './v3';

export { findUnknownFields } from './unknown-fields';

/** Body of `GET /openapi/v3` is `{ paths: openapiV3Paths() }`. */
export function openapiV3Paths(): Record<string, { serverRelativeURL: string }> {
  const out: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersions()) {
    const hash = documentHash(gv);
    if (hash) out[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return out;
}

/** The OpenAPI 3.0 document for `api/v1`, `apis/apps/v1`, ...; undefined for unknown group-versions. */
export function openapiV3Document(gvPath: string): object | undefined {
  return buildDocument(gvPath.replace(/^\/+|\/+$/g, ''))?.doc;
}

/** The stable hash in the serverRelativeURL; serve the document with `ETag: "<hash>"`. */
export function openapiV3Hash(gvPath: string): string | undefined {
  return documentHash(gvPath.replace(/^\/+|\/+$/g, ''));
}

export { patchMeta, type PatchMeta } from './patch-meta';
