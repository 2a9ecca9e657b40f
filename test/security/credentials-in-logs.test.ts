/**
 * No password or SASL payload reaches the server log or a protocol transcript: IMAP LOGIN in
 * every argument form (atoms, quoted strings, literals for the user, the password or both),
 * AUTHENTICATE PLAIN with and without an initial response, POP3 USER/PASS, APOP, AUTH PLAIN and
 * AUTH LOGIN, and a web sign-in and password change. Successful and failed attempts both; the
 * log is written at trace level and every session's transcript is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminService } from '../../src/admin/service.js';
import { configSchema } from '../../src/config/schema.js';
import { createImapService } from '../../src/imap/index.js';
import { createLogger } from '../../src/log/logger.js';
import { TranscriptDirectory } from '../../src/log/transcript.js';
import { createPop3Service } from '../../src/pop3/index.js';
import { createServerContext, dataPaths } from '../../src/server/context.js';
import { createHttpService } from '../../src/web/index.js';
import { RawImap } from '../e2e/imap-raw-client.js';
import { RawPop3Client } from '../pop3/client.js';
import { ApiClient } from '../web/helpers.js';

const USER = 'alice@example.com';
const APOP_USER = 'apop@example.com';
// Every secret carries this marker, so one search finds any of them in any file.
const MARK = 'Sekr3tMark';
const PASSWORD = `${MARK}-right`;
const NEW_PASSWORD = `${MARK}-new`;
const APOP_SECRET = `${MARK}-apop`;
const wrong = (n: number) => `${MARK}-wrong-${n}`;
const plain = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`).toString('base64');

test('passwords and SASL payloads never reach the log or a transcript', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'msgstore-sec-log-'));
  const loopback = { host: '127.0.0.1', port: 0 };
  const config = configSchema.parse({
    dataDir,
    hostname: 'mail.test',
    host: '127.0.0.1',
    listeners: { imap: loopback, imaps: loopback, pop3: loopback, pop3s: loopback, lmtp: { ...loopback }, http: loopback },
    log: { level: 'trace', transcripts: 'always' },
    auth: { maxDelayMs: 20, blockAfterFailures: 1000 },
  });
  const logDir = dataPaths(config).logDir;
  const logger = createLogger({ level: 'trace', dir: logDir, console: false });
  const ctx = await createServerContext(config, logger);
  const admin = new AdminService(ctx.store);
  await admin.addUser({ address: USER, password: PASSWORD });
  await admin.addUser({ address: APOP_USER, password: `${MARK}-unused` });
  await ctx.store.updateUser(APOP_USER, { apopSecret: APOP_SECRET });
  const imap = createImapService(ctx);
  // The POP3 service takes its transcript writer from the caller: the log module's, as for IMAP.
  const pop3Transcripts = new TranscriptDirectory(logDir, 'always', 10_000_000);
  const pop3 = createPop3Service(ctx, {
    transcripts: () => {
      const t = pop3Transcripts.session('pop3');
      if (!t) return undefined;
      return { onLine: (direction, bytes) => (direction === 'in' ? t.client(bytes) : t.server(bytes)), onLogin: (user) => t.loggedIn(user), onClose: () => t.close() };
    },
  });
  const http = createHttpService(ctx);
  const secrets: string[] = [];
  try {
    const imapPort = (await imap.start()).find((b) => b.service === 'imap')?.port ?? 0;
    const pop3Port = (await pop3.start()).find((b) => b.service === 'pop3')?.port ?? 0;
    const [web] = await http.start();
    assert.ok(imapPort > 0 && pop3Port > 0 && web);

    // --- IMAP
    const attempts: string[][] = [
      // [what to send after the tag, in pieces; a piece ending in "}" waits for the "+"]
      [`LOGIN ${USER} ${wrong(1)}`],
      [`LOGIN "${USER}" "${wrong(2)}"`],
      [`LOGIN {${USER.length}}`, `${USER} ${wrong(3)}`],
      [`LOGIN {${USER.length}}`, `${USER} "${wrong(4)}"`],
      [`LOGIN ${USER} {${wrong(5).length}}`, wrong(5)],
      [`LOGIN {${USER.length}+}\r\n${USER} {${wrong(6).length}+}\r\n${wrong(6)}`],
      [`LOGIN ${USER} ${wrong(7)} extra-argument`],
      [`AUTHENTICATE PLAIN ${plain(USER, wrong(8))}`],
      ['AUTHENTICATE PLAIN', plain(USER, wrong(9))],
    ];
    for (let i = 1; i <= 9; i++) secrets.push(plain(USER, wrong(i)));
    const client = await RawImap.connect(imapPort);
    try {
      let n = 0;
      for (const pieces of attempts) {
        const tag = `L${++n}`;
        for (let i = 0; i < pieces.length; i++) {
          client.send(`${i === 0 ? `${tag} ` : ''}${pieces[i]}\r\n`);
          if (i < pieces.length - 1) await client.waitFor(/^\+/);
        }
        const done = await client.waitFor(new RegExp(`^${tag} (OK|NO|BAD)`));
        assert.doesNotMatch(done.line, /OK/, pieces.join(' | '));
      }
      // Logging in at last keeps this session's transcript, failed attempts included.
      assert.match((await client.command(`LOGIN ${USER} ${PASSWORD}`)).tagged, /OK/);
    } finally {
      client.close();
    }
    for (const how of ['literal-user', 'sasl-ir', 'sasl-continuation'] as const) {
      const c = await RawImap.connect(imapPort);
      try {
        if (how === 'literal-user') {
          c.send(`G1 LOGIN {${USER.length}}\r\n`);
          await c.waitFor(/^\+/);
          c.send(`${USER} ${PASSWORD}\r\n`);
        } else if (how === 'sasl-ir') {
          c.send(`G1 AUTHENTICATE PLAIN ${plain(USER, PASSWORD)}\r\n`);
        } else {
          c.send('G1 AUTHENTICATE PLAIN\r\n');
          await c.waitFor(/^\+/);
          c.send(`${plain(USER, PASSWORD)}\r\n`);
        }
        assert.match((await c.waitFor(/^G1 /)).line, /^G1 OK/, how);
        assert.match((await c.command('LOGOUT')).tagged, /OK/);
      } finally {
        c.close();
      }
    }
    secrets.push(plain(USER, PASSWORD));

    // --- POP3
    const pop = async (lines: string[], expectLast: RegExp): Promise<void> => {
      const c = await RawPop3Client.connect(pop3Port);
      try {
        let reply = '';
        for (const line of lines) reply = await c.command(line);
        assert.match(reply, expectLast, lines.join(' | '));
        await c.command('QUIT');
      } finally {
        c.close();
      }
    };
    // Failures first, then a good login in the same session, so its transcript is kept.
    await pop(
      [
        `USER ${USER}`,
        `PASS ${wrong(20)}`,
        `AUTH PLAIN ${plain(USER, wrong(21))}`,
        'AUTH PLAIN',
        plain(USER, wrong(22)),
        'AUTH LOGIN',
        Buffer.from(USER).toString('base64'),
        Buffer.from(wrong(23)).toString('base64'),
        `AUTH LOGIN ${Buffer.from(USER).toString('base64')}`,
        Buffer.from(wrong(24)).toString('base64'),
        `USER ${USER}`,
        `PASS ${PASSWORD}`,
      ],
      /^\+OK/,
    );
    await pop([`AUTH PLAIN ${plain(USER, PASSWORD)}`], /^\+OK/);
    await pop(['AUTH LOGIN', Buffer.from(USER).toString('base64'), Buffer.from(PASSWORD).toString('base64')], /^\+OK/);
    secrets.push(plain(USER, wrong(21)), plain(USER, wrong(22)), Buffer.from(wrong(23)).toString('base64'), Buffer.from(wrong(24)).toString('base64'), Buffer.from(PASSWORD).toString('base64'));
    {
      const c = await RawPop3Client.connect(pop3Port);
      try {
        const banner = /<[^>]+>/.exec(c.greeting)?.[0] ?? '';
        assert.ok(banner, c.greeting);
        const digest = createHash('md5').update(banner + APOP_SECRET).digest('hex');
        assert.match(await c.command(`APOP ${APOP_USER} ${digest}`), /^\+OK/);
        secrets.push(digest);
        await c.command('QUIT');
      } finally {
        c.close();
      }
    }

    // --- Web
    const api = new ApiClient(`http://127.0.0.1:${web.port}`);
    assert.equal((await api.login(USER, wrong(30))).status, 401);
    assert.equal((await api.login(USER, PASSWORD)).status, 200);
    const change = await api.call('PUT', `/api/mail/${USER}/password`, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(change.status, 204);
  } finally {
    await http.stop();
    await pop3.stop();
    await imap.stop();
    await ctx.store.close();
    logger.flush();
    await new Promise((r) => setTimeout(r, 300));
  }
  try {
    const files = readdirSync(logDir);
    assert.ok(files.includes('msgstore.log'), files.join(','));
    assert.ok(files.some((f) => /^I\d+\.log$/.test(f)) && files.some((f) => /^P\d+\.log$/.test(f)), files.join(','));
    const all = files.map((f) => ({ f, text: readFileSync(join(logDir, f), 'latin1') }));
    // The log really holds the attempts (so an empty log cannot pass).
    const main = all.find((x) => x.f === 'msgstore.log')?.text ?? '';
    assert.match(main, /login failed/);
    assert.match(main, /login ok/);
    for (const { f, text } of all) {
      assert.ok(!text.includes(MARK), `${f} holds a password:\n${text}`);
      for (const s of secrets) assert.ok(!text.includes(s), `${f} holds a SASL payload or digest ${s}:\n${text}`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
