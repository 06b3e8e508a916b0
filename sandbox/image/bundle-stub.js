// Stands in, in the sandbox's mini-cluster bundle only, for packages the cluster never reaches:
// dockerode's SSH transport (ssh2; the cluster talks to the local socket) and its BuildKit sessions
// (@grpc/*; the cluster does not build images). They took about a tenth of a second to load on every
// sandbox start. Reading properties works (modules read them at load); using one throws a clear error.
'use strict';
const fail = () => {
  throw new Error('this feature of dockerode (SSH transport / BuildKit session) is left out of the sandbox mini-cluster bundle (sandbox/images/cluster-bundle.ts)');
};
const stub = new Proxy(function unavailable() {}, {
  get: (_target, prop) => (prop === 'then' || typeof prop === 'symbol' || prop === '__esModule' ? undefined : stub),
  apply: fail,
  construct: fail,
});
module.exports = stub;
