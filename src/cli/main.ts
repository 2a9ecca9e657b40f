/** The msgstore command. Every subcommand is a thin adapter over a service. */
import { Command, CommanderError } from 'commander';
import { EXIT, reportError } from './io.js';
import { registerDeliverCommand } from './deliver-command.js';
import { registerFilterCommands } from './filter.js';
import { registerOpsCommands } from './ops.js';
import { registerServeCommand } from './serve.js';
import { registerTransferCommands } from './transfer.js';
import { registerSharedCommands, registerUserCommands } from './users.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('msgstore')
    .description('msgstore: a mail message store (IMAP, POP3, LMTP, MailSort, shared mailboxes)')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  registerServeCommand(program);
  registerUserCommands(program);
  registerSharedCommands(program);
  registerTransferCommands(program);
  registerDeliverCommand(program);
  registerFilterCommands(program);
  registerOpsCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    return reportError(err);
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
