/** `msgstore filter set|show|check`: a user's MailSort rules from the command line. */
import type { Command } from 'commander';
import { checkFilterText } from '../mailsort/parser.js';
import { CliError, EXIT, printJson, readStdin } from './io.js';
import { withStore, type GlobalOptions } from './store-access.js';
import { withGlobalOptions } from './users.js';

type FilterOptions = GlobalOptions;

async function readFilterText(): Promise<string> {
  const bytes = await readStdin();
  const text = bytes.toString('utf8');
  if (Buffer.compare(Buffer.from(text, 'utf8'), bytes) !== 0) throw new CliError('the filter file is not valid UTF-8', EXIT.DATAERR);
  return text;
}

export function registerFilterCommands(program: Command): void {
  const filter = program.command('filter').description("manage users' MailSort filter files");

  withGlobalOptions(filter.command('set <address>').description('store the filter file read from standard input (refused if it does not parse)'), true).action(
    async (address: string, options: FilterOptions) => {
      const text = await readFilterText();
      const file = await withStore(options, ({ admin }) => admin.setFilter(address, text));
      if (options.json) printJson({ address: address.toLowerCase(), version: file.version, updatedAt: file.updatedAt.toISOString() });
      else process.stdout.write(`filter file of ${address.toLowerCase()} saved (version ${file.version})\n`);
    },
  );

  withGlobalOptions(filter.command('show <address>').description('print the stored filter file'), true).action(async (address: string, options: FilterOptions) => {
    const file = await withStore(options, ({ admin }) => admin.getFilter(address));
    if (options.json) printJson({ address: address.toLowerCase(), version: file.version, updatedAt: file.updatedAt.toISOString(), text: file.text });
    else process.stdout.write(file.text);
  });

  filter
    .command('check')
    .description('check a filter file read from standard input; prints each error with its line and column')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const result = checkFilterText(await readFilterText());
      if (options.json) printJson(result);
      else if (result.ok) process.stdout.write('filter file OK\n');
      else for (const e of result.errors) process.stdout.write(`line ${e.line}, column ${e.column}: ${e.message}\n`);
      if (!result.ok) throw new CliError(`${result.errors.length} syntax error${result.errors.length === 1 ? '' : 's'}`, EXIT.DATAERR);
    });
}
