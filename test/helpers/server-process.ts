/**
 * Starts `bin/msgstore serve` as a real child process on 127.0.0.1 with every port 0, and reads
 * the ports it prints ("msgstore: <service> listening on <host>:<port>").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { MSGSTORE_BIN } from './cli.js';

export interface ServerProcess {
  child: ChildProcess;
  ports: Map<string, number>;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const LISTEN = /^msgstore: (\S+) listening on (\S+):(\d+)$/;

export function startServerProcess(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}, expected = 1): Promise<ServerProcess> {
  const args = [MSGSTORE_BIN, 'serve', '--data', dataDir, '--host', '127.0.0.1', '--imap-port', '0', '--imaps-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--lmtp-port', '0', '--http-port', '0', ...extraArgs];
  const child = spawn(process.execPath, args, { env: { ...process.env, MSGSTORE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ports = new Map<string, number>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      for (const line of out.split('\n')) {
        const m = LISTEN.exec(line.trim());
        if (m) ports.set(m[1]!, Number(m[3]));
      }
      if (ports.size >= expected && /msgstore: ready/.test(out)) {
        clearTimeout(timer);
        resolve({
          child,
          ports,
          output: () => out,
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              if (child.exitCode !== null) return done(child.exitCode);
              const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', (code) => {
                clearTimeout(kill);
                done(code);
              });
              child.kill(signal);
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${out}`));
    });
  });
}
