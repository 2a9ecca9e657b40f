/** `msgstore user ...` and `msgstore shared ...`: thin adapters over the admin service. */
import type { Command } from 'commander';
import type { SharedProfile, UserProfile } from '../admin/service.js';
import { printJson, promptPassword, readPasswordFromStdin } from './io.js';
import { withStore, type GlobalOptions } from './store-access.js';

const formatBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

function printUser(profile: UserProfile): void {
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  const lines = [
    `User:     ${profile.address}${name ? ` (${name})` : ''}${profile.disabled ? ' [disabled]' : ''}`,
    `Home:     ${profile.home ?? '(default)'}`,
    `Created:  ${profile.createdAt}`,
    `Quota:    ${formatBytes(profile.quota.bytes)} in ${profile.quota.messages} messages${profile.quota.limitBytes === null ? '' : ` of ${formatBytes(profile.quota.limitBytes)}`}`,
    'Mailboxes:',
    ...profile.mailboxes.map((m) => `  ${m.name}${m.specialUse ? ` ${m.specialUse}` : ''}: ${m.messages} messages, ${m.unseen} unseen, ${formatBytes(m.size)}`),
    'Shared mailboxes:',
    ...(profile.shared.length ? profile.shared.map((s) => `  ${s.address}${s.displayName ? ` (${s.displayName})` : ''}`) : ['  (none)']),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printShared(profile: SharedProfile): void {
  const lines = [
    `Shared mailbox: ${profile.address}${profile.displayName ? ` (${profile.displayName})` : ''}`,
    `Home:     ${profile.home ?? '(default)'}`,
    `Created:  ${profile.createdAt}`,
    `Members:  ${profile.members.join(', ')}`,
    'Mailboxes:',
    ...profile.mailboxes.map((m) => `  ${m.name}: ${m.messages} messages, ${m.unseen} unseen, ${formatBytes(m.size)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

type Opts = GlobalOptions & Record<string, unknown>;

/** Adds --data, --config (and --json where asked) to a command. */
export function withGlobalOptions(command: Command, json = false): Command {
  command.option('--data <dir>', 'data directory (default ./data, or MSGSTORE_DATA)').option('--config <file>', 'configuration file');
  if (json) command.option('--json', 'print JSON');
  return command;
}

async function passwordFrom(options: Opts): Promise<string> {
  return options.passwordStdin ? readPasswordFromStdin() : promptPassword('Password: ');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users');

  withGlobalOptions(user.command('add <address>').description('add a user (with INBOX, Sent, Drafts, Trash, Junk, Archive)'), true)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--home <dir>', "directory for this user's message files")
    .option('--quota <bytes>', 'quota in bytes (0 = unlimited)')
    .action(async (address: string, options: Opts) => {
      const password = await passwordFrom(options);
      const quota = options.quota === undefined ? undefined : Number(options.quota) || null;
      const profile = await withStore(options, ({ admin }) =>
        admin.addUser({
          address,
          password,
          firstName: options.firstName as string | undefined,
          lastName: options.lastName as string | undefined,
          home: (options.home as string | undefined) ?? null,
          quotaBytes: quota,
        }),
      );
      if (options.json) printJson(profile);
      else process.stdout.write(`user ${profile.address} added\n`);
    });

  withGlobalOptions(user.command('remove <address>').description('remove a user and all of their mail'), true).action(async (address: string, options: Opts) => {
    await withStore(options, ({ admin }) => admin.removeUser(address));
    if (options.json) printJson({ removed: address.toLowerCase() });
    else process.stdout.write(`user ${address.toLowerCase()} removed\n`);
  });

  withGlobalOptions(user.command('show <address>').description("show a user's profile, mailboxes and shared mailboxes"), true).action(
    async (address: string, options: Opts) => {
      const profile = await withStore(options, ({ admin }) => admin.showUser(address));
      if (options.json) printJson(profile);
      else printUser(profile);
    },
  );

  withGlobalOptions(user.command('list').description('list users'), true)
    .option('--search <text>', 'only users whose address or name contains this')
    .action(async (options: Opts) => {
      const result = await withStore(options, ({ admin }) => admin.listUsers({ search: options.search as string | undefined }));
      if (options.json) printJson(result);
      else {
        for (const u of result.users) {
          const name = [u.firstName, u.lastName].filter(Boolean).join(' ');
          process.stdout.write(`${u.address}${name ? `\t${name}` : ''}${u.disabled ? '\t[disabled]' : ''}\n`);
        }
        process.stderr.write(`${result.total} user${result.total === 1 ? '' : 's'}\n`);
      }
    });

  withGlobalOptions(user.command('passwd <address>').description("change a user's password"))
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (address: string, options: Opts) => {
      const password = await passwordFrom(options);
      await withStore(options, ({ admin }) => admin.setPassword(address, password));
      process.stdout.write(`password of ${address.toLowerCase()} changed\n`);
    });
}

export function registerSharedCommands(program: Command): void {
  const shared = program.command('shared').description('manage shared mailboxes');
  const collect = (value: string, previous: string[] = []) => [...previous, value];

  withGlobalOptions(shared.command('add <address>').description('add a shared mailbox with its members'), true)
    .requiredOption('--member <address>', 'a member (repeat for more)', collect)
    .option('--display-name <name>', 'display name')
    .option('--home <dir>', "directory for this shared mailbox's message files")
    .action(async (address: string, options: Opts) => {
      const profile = await withStore(options, ({ admin }) =>
        admin.addShared({
          address,
          members: options.member as string[],
          displayName: options.displayName as string | undefined,
          home: (options.home as string | undefined) ?? null,
        }),
      );
      if (options.json) printJson(profile);
      else process.stdout.write(`shared mailbox ${profile.address} added with ${profile.members.length} member${profile.members.length === 1 ? '' : 's'}\n`);
    });

  withGlobalOptions(shared.command('remove <address>').description('remove a shared mailbox and its mail'), true).action(async (address: string, options: Opts) => {
    await withStore(options, ({ admin }) => admin.removeShared(address));
    if (options.json) printJson({ removed: address.toLowerCase() });
    else process.stdout.write(`shared mailbox ${address.toLowerCase()} removed\n`);
  });

  withGlobalOptions(shared.command('show <address>').description('show a shared mailbox with its members'), true).action(async (address: string, options: Opts) => {
    const profile = await withStore(options, ({ admin }) => admin.showShared(address));
    if (options.json) printJson(profile);
    else printShared(profile);
  });

  withGlobalOptions(shared.command('list').description('list shared mailboxes'), true).action(async (options: Opts) => {
    const list = await withStore(options, ({ admin }) => admin.listShared());
    if (options.json) printJson(list);
    else for (const s of list) process.stdout.write(`${s.address}\t${s.members.join(',')}${s.displayName ? `\t${s.displayName}` : ''}\n`);
  });

  const member = shared.command('member').description('add or remove members');
  withGlobalOptions(member.command('add <shared> <user>').description('make a user a member'), true).action(async (sharedAddress: string, userAddress: string, options: Opts) => {
    const profile = await withStore(options, ({ admin }) => admin.addSharedMember(sharedAddress, userAddress));
    if (options.json) printJson(profile);
    else process.stdout.write(`${userAddress.toLowerCase()} is now a member of ${profile.address}\n`);
  });
  withGlobalOptions(member.command('remove <shared> <user>').description('remove a member'), true).action(async (sharedAddress: string, userAddress: string, options: Opts) => {
    const profile = await withStore(options, ({ admin }) => admin.removeSharedMember(sharedAddress, userAddress));
    if (options.json) printJson(profile);
    else process.stdout.write(`${userAddress.toLowerCase()} is no longer a member of ${profile.address}\n`);
  });
}
