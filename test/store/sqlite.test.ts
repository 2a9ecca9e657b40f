/** The Store contract against the SQLite implementation. SQLite-only behaviour is in sqlite-*.test.ts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { runStoreContract } from './contract.js';

runStoreContract('sqlite', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-contract-'));
  const store = await createSqliteStore({ dataDir, busyTimeoutMs: 2000 });
  return {
    store,
    async cleanup() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
