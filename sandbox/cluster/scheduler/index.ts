// Entry point used by cluster.ts.
import type { ClusterContext } from '../context';
import { Scheduler } from './scheduler';

export { Scheduler, fitErrorMessage, needsScheduling, SCHEDULER_NAME } from './scheduler';

export function startScheduler(ctx: ClusterContext): { stop(): void } {
  const scheduler = new Scheduler(ctx);
  scheduler.start();
  return { stop: () => scheduler.stop() };
}
