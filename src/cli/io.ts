/** Small I/O helpers of the msgstore command: output, errors with exit codes, password input. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { ConfigError } from '../config/load.js';
import { MailError, type MailErrorCode } from '../store/errors.js';

/** sysexits(3) codes, as mail administrators' scripts expect. */
export const EXIT = {
  OK: 0,
  GENERAL: 1,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  NOUSER: 67,
  SOFTWARE: 70,
  CANTCREAT: 73,
  IOERR: 74,
  TEMPFAIL: 75,
  NOPERM: 77,
  CONFIG: 78,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.GENERAL,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

function exitCodeFor(code: MailErrorCode): number {
  if (code.endsWith('_NOT_FOUND') || code === 'MS_NO_FILTERFILE') return EXIT.NOUSER;
  if (code.endsWith('_ALREADY_EXIST')) return EXIT.CANTCREAT;
  if (code.startsWith('MS_LOCKED_')) return EXIT.TEMPFAIL;
  if (code === 'MS_INVALID_ARGUMENT' || code === 'MS_INVALID_NAME') return EXIT.DATAERR;
  if (code === 'MS_PERMISSION_DENIED') return EXIT.NOPERM;
  if (code.startsWith('MS_CANNOT_OPEN_')) return EXIT.NOINPUT;
  return EXIT.IOERR;
}

/** Prints an error the way every msgstore command does and returns the exit status. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof MailError) {
    stderr.write(`msgstore: ${err.message} (${err.code})\n`);
    return exitCodeFor(err.code);
  }
  if (err instanceof CliError) {
    if (err.message) stderr.write(`msgstore: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    stderr.write(`msgstore: ${err.message}\n`);
    return EXIT.CONFIG;
  }
  const sys = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (sys?.syscall === 'listen' && (sys.code === 'EADDRINUSE' || sys.code === 'EACCES' || sys.code === 'EADDRNOTAVAIL')) {
    const where = sys.port === undefined ? String(sys.address ?? '') : `${sys.address ?? ''}:${sys.port}`;
    const why = sys.code === 'EADDRINUSE' ? 'the address is in use (EADDRINUSE)' : sys.code === 'EACCES' ? 'permission denied (EACCES; ports below 1024 need root)' : 'the address is not available here (EADDRNOTAVAIL)';
    stderr.write(`msgstore: cannot listen on ${where}: ${why}\n`);
    return EXIT.CANTCREAT;
  }
  stderr.write(`msgstore: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.SOFTWARE;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The first line of standard input (for --password-stdin), without its line end. */
export async function readPasswordFromStdin(): Promise<string> {
  const text = (await readStdin()).toString('utf8');
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (!line) throw new CliError('no password on standard input', EXIT.DATAERR);
  return line;
}

/** Asks on the terminal without echo. */
export async function promptPassword(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('give the password on standard input with --password-stdin', EXIT.USAGE);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const ask = (q: string) =>
      new Promise<string>((resolve) => {
        muted = false;
        rl.question(q, (answer) => resolve(answer));
        muted = true;
      });
    const first = await ask(question);
    process.stderr.write('\n');
    const second = await ask('Repeat it: ');
    process.stderr.write('\n');
    if (first !== second) throw new CliError('the passwords do not match', EXIT.DATAERR);
    return first;
  } finally {
    rl.close();
  }
}
