// The upstream protobuf packages vendored in ./proto (see generate-protos.ts).
export const API_PACKAGES = [
  'core/v1', 'apps/v1', 'batch/v1', 'rbac/v1', 'policy/v1', 'scheduling/v1', 'scheduling/v1alpha3', 'networking/v1',
  'storage/v1', 'coordination/v1', 'discovery/v1', 'autoscaling/v1', 'autoscaling/v2', 'events/v1',
  'authentication/v1', 'authorization/v1', 'certificates/v1',
];
export const APIMACHINERY_PACKAGES = ['pkg/api/resource', 'pkg/apis/meta/v1', 'pkg/runtime', 'pkg/runtime/schema', 'pkg/util/intstr'];
