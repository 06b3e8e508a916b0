export { MemoryStore, randomSuffix, type MemoryStoreOptions, type StoreSnapshot } from './memory-store';
export { attachPersistence, loadSnapshot, writeSnapshot, SNAPSHOT_FILE, type Persistence } from './persistence';
export type * from './types';
