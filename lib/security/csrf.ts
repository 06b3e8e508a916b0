// CSRF protection for our state-changing routes: the request must come from our own origin
// (Origin / Sec-Fetch-Site) and carry a custom header, which a cross-site form or a no-CORS
// fetch cannot set. next-auth protects its own routes with its CSRF token.
export const CSRF_HEADER = 'x-kubelab-request';

export function csrfProblem(headers: Headers, ownOrigin: string): string | undefined {
  if (headers.get(CSRF_HEADER) !== '1') return `missing ${CSRF_HEADER} header`;
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `cross-site request (${site})`;
  const origin = headers.get('origin');
  if (origin && origin !== ownOrigin) return `origin ${origin} is not ${ownOrigin}`;
  return undefined;
}

/** The origin this request was addressed to, as the browser sees it. */
export function requestOrigin(url: string, headers: Headers): string {
  const u = new URL(url);
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? u.host;
  const proto = headers.get('x-forwarded-proto') ?? u.protocol.replace(':', '');
  return `${proto}://${host}`;
}
