// A cluster started on a data directory keeps its objects across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestCluster } from '../support/cluster';

jest.setTimeout(60_000);

it('restores objects and keeps resourceVersions increasing after a restart', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubelab-persist-'));
  try {
    const first = await startTestCluster({ dataDir });
    const core1 = first.kubeConfig().makeApiClient(CoreV1Api);
    const created = await core1.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept' }, data: { a: 'b' } } });
    await first.stop();

    const second = await startTestCluster({ dataDir });
    try {
      const core2 = second.kubeConfig().makeApiClient(CoreV1Api);
      const read = await core2.readNamespacedConfigMap({ name: 'kept', namespace: 'default' });
      expect(read.metadata?.uid).toBe(created.metadata?.uid);
      expect(read.data).toEqual({ a: 'b' });
      const next = await core2.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
      expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
      // The CA survives too, so a kubeconfig written before the restart still verifies the server.
      expect(second.caCert).toBe(first.caCert);
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
