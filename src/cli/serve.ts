/** `msgstore serve`: runs every enabled listener until SIGTERM or SIGINT. */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { startServer } from '../server/main.js';
import { isLoopbackAddress } from '../net/address.js';
import { CliError, EXIT } from './io.js';

interface ServeOptions {
  config?: string;
  data?: string;
  host?: string;
  imapPort?: string;
  imapsPort?: string;
  pop3Port?: string;
  pop3sPort?: string;
  lmtpPort?: string;
  httpPort?: string;
  relay?: string;
}

function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new CliError(`${flag} takes a port number from 0 to 65535, not "${value}"`, EXIT.USAGE);
  return Number(value);
}

/** Turns the serve flags into a partial configuration, remembering which flag set what. */
export function serveFlagsToConfig(options: ServeOptions): { flags: ConfigInput; sources: Map<string, string> } {
  const sources = new Map<string, string>();
  const listeners: Record<string, { port: number }> = {};
  const ports: [keyof ServeOptions, string, string][] = [
    ['imapPort', 'imap', '--imap-port'],
    ['imapsPort', 'imaps', '--imaps-port'],
    ['pop3Port', 'pop3', '--pop3-port'],
    ['pop3sPort', 'pop3s', '--pop3s-port'],
    ['lmtpPort', 'lmtp', '--lmtp-port'],
    ['httpPort', 'http', '--http-port'],
  ];
  for (const [key, listener, flag] of ports) {
    const port = portFlag(options[key], flag);
    if (port !== undefined) {
      listeners[listener] = { port };
      sources.set(`listeners.${listener}.port`, flag);
    }
  }
  const flags: Record<string, unknown> = {};
  if (Object.keys(listeners).length) flags.listeners = listeners;
  if (options.data) {
    flags.dataDir = options.data;
    sources.set('dataDir', '--data');
  }
  if (options.host) {
    flags.host = options.host;
    sources.set('host', '--host');
    // LMTP delivers without authentication, so it stays on loopback unless the configuration
    // file names its host: --host moves it only to another loopback address.
    if (isLoopbackAddress(options.host)) {
      flags.listeners = { ...(flags.listeners as object | undefined), lmtp: { ...listeners.lmtp, host: options.host } };
    }
  }
  if (options.relay) {
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(options.relay);
    if (!match) throw new CliError(`--relay takes HOST:PORT, not "${options.relay}"`, EXIT.USAGE);
    flags.relay = { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
    sources.set('relay.port', '--relay');
  }
  return { flags: flags as ConfigInput, sources };
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the server: IMAP, POP3, LMTP, spool, outbound queue, web UI and REST API')
    .option('--config <file>', 'configuration file (see msgstore.example.jsonc)')
    .option('--data <dir>', 'data directory (default ./data)')
    .option('--host <addr>', 'address to bind')
    .option('--imap-port <n>', 'IMAP port (STARTTLS)')
    .option('--imaps-port <n>', 'IMAPS port (implicit TLS)')
    .option('--pop3-port <n>', 'POP3 port (STLS)')
    .option('--pop3s-port <n>', 'POP3S port (implicit TLS)')
    .option('--lmtp-port <n>', 'LMTP port')
    .option('--http-port <n>', 'web UI and REST API port')
    .option('--relay <host:port>', 'SMTP relay for forwards and vacation replies')
    .action(async (options: ServeOptions) => {
      const { flags, sources } = serveFlagsToConfig(options);
      const config = loadConfig({ file: options.config, flags, flagSources: sources });
      const server = await startServer(config);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          process.stdout.write(`msgstore: ${signal} received, stopping\n`);
          server.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.on('SIGHUP', () => {
          try {
            const next = loadConfig({ file: options.config, flags, flagSources: sources });
            server.reload(next).then(
              () => process.stdout.write('msgstore: SIGHUP received, configuration and certificates reloaded\n'),
              (err: unknown) => process.stderr.write(`msgstore: reload failed, keeping the running configuration: ${(err as Error).message}\n`),
            );
          } catch (err) {
            process.stderr.write(`msgstore: reload failed, keeping the running configuration: ${(err as Error).message}\n`);
          }
        });
      });
      process.stdout.write('msgstore: stopped\n');
    });
}
