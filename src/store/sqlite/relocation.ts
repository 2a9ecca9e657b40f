/**
 * Message roots are registered by absolute path. The default root (<dataDir>/mail unless
 * configured) moves with the data directory, so the store remembers which registered root is
 * the default one and, when the data directory was moved or copied elsewhere, points that row
 * at the new place instead of leaving every message "missing" there.
 */
import type { SqliteDatabase } from './db.js';

const DEFAULT_ROOT_SETTING = 'store.defaultMailRoot';

export function followDefaultRoot(db: SqliteDatabase, mailRoot: string, log: { warn(obj: object, msg?: string): void }): void {
  db.transaction(() => {
    const remembered = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(DEFAULT_ROOT_SETTING) as string | undefined;
    const rootId = (p: string) => db.prepare('SELECT id FROM roots WHERE path = ?').pluck().get(p) as number | undefined;
    if (remembered !== undefined && remembered !== mailRoot) {
      const oldId = rootId(remembered);
      if (oldId !== undefined && rootId(mailRoot) === undefined) {
        db.prepare('UPDATE roots SET path = ? WHERE id = ?').run(mailRoot, oldId);
        log.warn({ from: remembered, to: mailRoot }, 'the default mail root moved; its message files are now looked for at the new place');
      }
    }
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(DEFAULT_ROOT_SETTING, mailRoot);
  }).immediate();
}
