import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sampleMessage, startPop3, type Pop3Fixture } from '../pop3/fixture.js';

/**
 * Debian's fetchmail against the server, only on 127.0.0.1: each fetched message is handed to
 * a tiny MDA script that writes it to a numbered file, and the files are compared with what
 * was delivered (fetchmail hands the MDA LF line ends).
 */

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

function makeMessages(count: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    let body = `Message number ${i}.\r\n.a line starting with a dot\r\n..and one with two\r\n.\r\n`;
    // Every fifth message is about 20 KB.
    if (i % 5 === 0) body += `${'0123456789'.repeat(7)} ${i}\r\n`.repeat(270);
    out.push(sampleMessage(i, body));
  }
  return out;
}

describe('POP3 with fetchmail', () => {
  let f: Pop3Fixture;
  let dir = '';
  const user = 'fetch@example.com';
  const messages = makeMessages(100);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-fetchmail-'));
    f = await startPop3();
    await f.addUser(user, 'fetch pass');
    for (const m of messages) await f.deliver(user, m);
  });
  after(async () => {
    await f.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fetch(name: string, options: { port: number; tls: 'stls' | 'implicit'; keep: boolean }): Promise<string[]> {
    const outDir = join(dir, name);
    const home = join(dir, `${name}-home`);
    mkdirSync(outDir);
    mkdirSync(home);
    const mda = join(dir, `${name}-mda.sh`);
    writeFileSync(mda, `#!/bin/sh\nn=$(ls '${outDir}' | wc -l)\ncat > '${outDir}'/$(printf %05d "$n").eml\n`);
    chmodSync(mda, 0o755);
    const tlsOptions = options.tls === 'implicit' ? 'ssl no sslcertck' : "sslproto 'tls1.2+' no sslcertck";
    const rc = join(dir, `${name}.rc`);
    writeFileSync(
      rc,
      [
        'set no syslog',
        'set invisible',
        'set no bouncemail',
        `poll 127.0.0.1 with proto POP3 port ${options.port} timeout 30`,
        `  user "${user}" there with password "fetch pass" is "${userInfo().username}" here`,
        `  options ${options.keep ? 'keep' : 'no keep'} fetchall no rewrite ${tlsOptions}`,
        `  mda "${mda}"`,
        '',
      ].join('\n'),
    );
    chmodSync(rc, 0o600);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, FETCHMAILHOME: home, LC_ALL: 'C' };
    const result = await run('fetchmail', ['--nosyslog', '-f', rc, '-p', 'POP3', '--port', String(options.port), '127.0.0.1'], env);
    assert.equal(result.code, 0, `fetchmail failed (is Debian's fetchmail installed?)\n${result.output}`);
    return readdirSync(outDir)
      .sort()
      .map((file) => readFileSync(join(outDir, file), 'latin1'));
  }

  const asFetched = (m: string) => m.replace(/\r\n/g, '\n');

  test('fetching over STLS and keeping the messages gives the delivered bytes and leaves them', async () => {
    const fetched = await fetch('keep', { port: f.port, tls: 'stls', keep: true });
    assert.equal(fetched.length, messages.length);
    fetched.forEach((got, i) => assert.equal(got, asFetched(messages[i]!), `message ${i + 1}`));
    const metas = await f.ctx.store.listMessages(await f.inboxId(user));
    assert.equal(metas.length, messages.length);
    assert.ok(metas.every((m) => m.flags.includes('\\Seen')), 'RETR marked every message \\Seen');
  });

  test('fetching over POP3S and deleting removes every message after handing over the same bytes', async () => {
    const fetched = await fetch('delete', { port: f.tlsPort, tls: 'implicit', keep: false });
    assert.equal(fetched.length, messages.length);
    fetched.forEach((got, i) => assert.equal(got, asFetched(messages[i]!), `message ${i + 1}`));
    assert.equal((await f.ctx.store.listMessages(await f.inboxId(user))).length, 0);
  });
});
