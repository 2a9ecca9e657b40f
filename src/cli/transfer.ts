/** `msgstore import` and `msgstore export`: maildir and mbox, with a progress bar on a terminal. */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { normalizeAddress } from '../admin/addresses.js';
import type { Owner } from '../store/types.js';
import { exportMaildir, exportMbox } from '../transfer/export.js';
import { importMaildir, importMbox } from '../transfer/import.js';
import { CliError, EXIT, printJson } from './io.js';
import { ProgressBar } from './progress.js';
import { withStore, type GlobalOptions } from './store-access.js';
import { withGlobalOptions } from './users.js';

type TransferOptions = GlobalOptions & { user: string; mailbox?: string };

function format(value: string): 'maildir' | 'mbox' {
  if (value !== 'maildir' && value !== 'mbox') throw new CliError(`the format is maildir or mbox, not "${value}"`, EXIT.USAGE);
  return value;
}

export function registerTransferCommands(program: Command): void {
  withGlobalOptions(program.command('import <format> <path>').description('import a maildir (Dovecot/Courier, with sub-folders) or an mbox file into a user\'s mailboxes'), true)
    .requiredOption('--user <address>', 'the user who receives the mail')
    .option('--mailbox <name>', 'target mailbox (default INBOX; maildir sub-folders go below it)')
    .action(async (kind: string, path: string, options: TransferOptions) => {
      const which = format(kind);
      const started = Date.now();
      const report = await withStore(options, async ({ store }) => {
        const user = await store.getUser(normalizeAddress(options.user));
        const owner: Owner = { kind: 'user', address: user.address };
        const bar = new ProgressBar('import', 0);
        const hooks = { mailbox: options.mailbox, onTotal: (n: number) => bar.setTotal(n), onMessage: () => bar.tick() };
        try {
          return which === 'maildir' ? await importMaildir(store, owner, path, hooks) : await importMbox(store, owner, path, hooks);
        } finally {
          bar.finish();
        }
      });
      const seconds = (Date.now() - started) / 1000;
      if (options.json) printJson({ ...report, seconds });
      else process.stdout.write(`imported ${report.messages} messages (${report.bytes} bytes) into ${report.folders.length} mailbox${report.folders.length === 1 ? '' : 'es'} in ${seconds.toFixed(1)} s\n`);
    });

  withGlobalOptions(program.command('export <format> <dest>').description("export a user's mailboxes as a maildir (Maildir++) or as mbox files"), true)
    .requiredOption('--user <address>', 'whose mail to export')
    .option('--mailbox <name>', 'only this mailbox and its sub-folders')
    .action(async (kind: string, dest: string, options: TransferOptions) => {
      const which = format(kind);
      const report = await withStore(options, async ({ store, config }) => {
        const user = await store.getUser(normalizeAddress(options.user));
        const owner: Owner = { kind: 'user', address: user.address };
        const bar = new ProgressBar('export', 0);
        const hooks = { mailbox: options.mailbox, hostname: config.hostname ?? hostname(), onTotal: (n: number) => bar.setTotal(n), onMessage: () => bar.tick() };
        try {
          return which === 'maildir' ? await exportMaildir(store, owner, dest, hooks) : await exportMbox(store, owner, dest, hooks);
        } finally {
          bar.finish();
        }
      });
      if (options.json) printJson(report);
      else process.stdout.write(`exported ${report.messages} messages from ${report.folders.length} mailbox${report.folders.length === 1 ? '' : 'es'} to ${dest}\n`);
    });
}
