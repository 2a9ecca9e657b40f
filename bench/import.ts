/**
 * Import benchmark: `msgstore import maildir` of 10,000 messages of about 4 KB (1,000 with
 * --quick) into a fresh store, through the same code path as the command: messages per second.
 * Run alone with: node --import tsx bench/import.ts [--quick]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminService } from '../src/admin/service.js';
import { openStore } from '../src/store/index.js';
import { importMaildir } from '../src/transfer/import.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

/** A maildir of `count` distinct ~4 KB messages with a few flags, as Dovecot would leave it. */
function writeMaildir(root: string, count: number): void {
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(root, sub), { recursive: true });
  const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ';
  for (let i = 0; i < count; i++) {
    const body = filler.repeat(48) + `\nmessage ${i}\n`;
    const raw = `From: Sender ${i % 53} <s${i % 53}@example.net>\nTo: user@example.org\nSubject: Imported message ${i}\nMessage-ID: <import-${i}@example.net>\nDate: Tue, 5 Mar 2024 10:00:00 +0000\n\n${body}`;
    const flags = i % 3 === 0 ? ':2,S' : i % 7 === 0 ? ':2,FS' : ':2,';
    fs.writeFileSync(path.join(root, 'cur', `${1700000000 + i}.M${i}P1.bench,S=${raw.length}${flags}`), raw);
  }
}

export async function runImportBench(options: { quick?: boolean } = {}): Promise<BenchResult[]> {
  const count = options.quick ? 1_000 : 10_000;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-import-bench-'));
  try {
    const maildir = path.join(work, 'Maildir');
    writeMaildir(maildir, count);
    const store = await openStore({ dataDir: path.join(work, 'data') });
    try {
      await new AdminService(store).addUser({ address: 'user@example.org', password: 'bench' });
      const started = process.hrtime.bigint();
      const report = await importMaildir(store, { kind: 'user', address: 'user@example.org' }, maildir);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (report.messages !== count) throw new Error(`imported ${report.messages} of ${count} messages`);
      return [{ name: `import maildir of ${count} messages (~4 KB)`, value: Math.round(count / seconds), unit: 'messages/s' }];
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runImportBench({ quick: process.argv.includes('--quick') }).then(
    (results) => {
      for (const r of results) console.log(`${r.name}: ${r.value} ${r.unit}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
