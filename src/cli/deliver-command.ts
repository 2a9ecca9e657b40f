/** Registers `msgstore deliver` (the delivery agent itself is in deliver.ts). */
import type { Command } from 'commander';
import { runDeliverCommand } from './deliver.js';
import { CliError } from './io.js';
import { withGlobalOptions } from './users.js';

/** Carries deliver's own exit status (sysexits) out through the CLI's error path. */
class DeliverExit extends CliError {}

export function registerDeliverCommand(program: Command): void {
  withGlobalOptions(program.command('deliver').description('deliver the message on standard input (exit 0 only once it is stored)'))
    .requiredOption('--to <address>', 'recipient (a user, user+folder, or a shared mailbox address)')
    .option('--from <address>', 'envelope sender (default: the null sender)')
    .action(async (options: { to: string; from?: string; data?: string; config?: string }) => {
      const code = await runDeliverCommand(options);
      // deliver has already said what went wrong on stderr; only the status remains.
      if (code !== 0) throw new DeliverExit('', code);
    });
}
