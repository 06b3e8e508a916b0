// authentication.k8s.io and authorization.k8s.io reviews. A mini-cluster has one user, the
// admin from the kubeconfig (like kubeadm's kubernetes-admin, a cluster-admin), so every
// access review is allowed; `kubectl auth can-i` and `kubectl auth whoami` answer accordingly.
import { badRequest } from '../api/errors';
import type { ResourceInfo } from '../api/registry';
import { sendJson } from './http';
import { readObjectBody } from './request';
import type { RestContext } from './rest';

export const ADMIN_USER = { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };

export function isReview(info: ResourceInfo): boolean {
  return info.group === 'authentication.k8s.io' || info.group === 'authorization.k8s.io';
}

export async function handleReview(rc: RestContext): Promise<void> {
  const { info } = rc.target;
  const body = (await readObjectBody(rc.req, info.kind)) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') throw badRequest(`the object provided is unrecognized (must be of type ${info.kind})`);
  const out: Record<string, unknown> = { kind: info.kind, apiVersion: `${info.group}/${info.version}`, metadata: { creationTimestamp: null }, spec: body.spec ?? {} };
  switch (info.kind) {
    case 'SelfSubjectReview':
      out.status = { userInfo: ADMIN_USER };
      delete out.spec;
      break;
    case 'TokenReview':
      out.status = { authenticated: false, error: 'token reviews are not supported by the mini-cluster' };
      break;
    case 'SelfSubjectRulesReview':
      out.status = {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      };
      break;
    default:
      out.status = { allowed: true, reason: 'the mini-cluster has a single cluster-admin user' };
  }
  sendJson(rc.res, 201, out);
}
