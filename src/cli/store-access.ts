/** Opening the store for a one-shot CLI command (no server needed). */
import { AdminService } from '../admin/service.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { silentLogger } from '../log/logger.js';
import { dataPaths } from '../server/context.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';

export interface GlobalOptions {
  data?: string;
  config?: string;
  json?: boolean;
}

export function configFor(options: GlobalOptions): Config {
  return loadConfig({ file: options.config, flags: options.data ? { dataDir: options.data } : {} });
}

/** Runs `work` with an open store and admin service, closing the store afterwards. */
export async function withStore<T>(options: GlobalOptions, work: (deps: { store: Store; admin: AdminService; config: Config }) => Promise<T>): Promise<T> {
  const config = configFor(options);
  const paths = dataPaths(config);
  // The server (if running) does the start-up sweep; a one-shot command need not scan every file.
  const store = await openStore({ dataDir: paths.dataDir, mailRoot: paths.mailRoot, logger: silentLogger(), startupCheck: false });
  try {
    const quota = config.limits.defaultQuotaBytes;
    return await work({ store, admin: new AdminService(store, { quotaBytes: quota > 0 ? quota : null }), config });
  } finally {
    await store.close();
  }
}
