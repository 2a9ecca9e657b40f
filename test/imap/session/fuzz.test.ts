/**
 * Random and mutated commands against a logged-in session with a mailbox selected: the session
 * never crashes, answers every tagged command (or closes with BYE), and stays usable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapSession } from '../../../src/imap/session/session.js';
import { MemoryTransport } from './memory-transport.js';
import { addTestUser, makeTestContext } from '../../helpers/context.js';

const SEEDS = [
  'FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.10> UID)',
  'UID FETCH 1:* (ENVELOPE BODYSTRUCTURE RFC822.SIZE)',
  'STORE 1 +FLAGS.SILENT (\\Seen $Tag)',
  'SEARCH OR FROM a NOT SUBJECT "b" SINCE 1-Jan-2020',
  'UID SEARCH UID 1:* LARGER 10',
  'COPY 1 Archive',
  'UID MOVE 1 Trash',
  'LIST "" "*"',
  'STATUS INBOX (MESSAGES UNSEEN)',
  'APPEND INBOX (\\Flagged) {12+}\r\nSubject: x\r\n',
  'CREATE "a/b"',
  'RENAME "a" "c"',
  'EXAMINE INBOX',
  'SELECT INBOX',
  'EXPUNGE',
  'UID EXPUNGE 1:5',
  'NOOP',
];

test('fuzzed commands never crash the session', async () => {
  const tc = await makeTestContext({ limits: { maxBadCommands: 1000 } });
  try {
    await addTestUser(tc.ctx, 'fuzz@example.com', 'fuzz-pass-1');
    const inbox = await tc.ctx.store.getMailbox({ kind: 'user', address: 'fuzz@example.com' }, 'INBOX');
    for (let i = 0; i < 3; i++) await tc.ctx.store.appendMessage(inbox.id, Buffer.from(`Subject: m${i}\r\nFrom: a@b.c\r\n\r\nbody ${i}\r\n`));
    const t = new MemoryTransport();
    const s = new ImapSession({ ctx: tc.ctx, transport: t, startTlsAvailable: false });
    s.start();
    const send = async (tag: string, line: string | Buffer): Promise<string> => {
      const start = t.text('latin1').length;
      s.onData(Buffer.concat([Buffer.from(`${tag} `), Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\r\n')]));
      for (let i = 0; i < 300; i++) {
        const text = t.text('latin1').slice(start);
        if (new RegExp(`^${tag} (OK|NO|BAD)`, 'm').test(text) || t.closed) return text;
        await new Promise((r) => setTimeout(r, 5));
      }
      return t.text('latin1').slice(start);
    };
    assert.match(await send('L', 'LOGIN fuzz@example.com fuzz-pass-1'), /^L OK/m);
    assert.match(await send('S', 'SELECT INBOX'), /^S OK/m);
    let seed = 4242;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const noise = Buffer.from(' ()[]<>{}"\\*%:,.0123456789+-ABCXYZ\x7f\x80\xff');
    for (let round = 0; round < 150 && !t.closed; round++) {
      const base = Buffer.from(SEEDS[rand(SEEDS.length)] as string);
      const bytes = Buffer.from(base);
      const mutations = rand(4);
      for (let m = 0; m < mutations; m++) bytes[rand(bytes.length)] = noise[rand(noise.length)] as number;
      // Never leave a dangling literal marker: the client would then owe bytes.
      const line = Buffer.from(bytes.toString('latin1').replace(/\{[0-9]*\+?\}?$/, 'x').replace(/\r\n/g, ' '), 'latin1');
      const tag = `F${round}`;
      const reply = await send(tag, line);
      const answered = new RegExp(`^${tag} (OK|NO|BAD)`, 'm').test(reply) || /^\* BYE/m.test(reply) || /^\+ /m.test(reply);
      assert.ok(answered, `no answer to ${line.toString('latin1')}: ${reply}`);
      if (/^\+ /m.test(reply) && !new RegExp(`^${tag} `, 'm').test(reply)) {
        // A synchronizing literal survived the mutation: finish it so the stream stays in step.
        s.onData(Buffer.from('x'.repeat(64) + '\r\n'));
        await send(`R${round}`, 'NOOP');
      }
    }
    if (!t.closed) assert.match(await send('Z', 'NOOP'), /^Z OK/m);
    // Bad input is BAD or NO, never an internal failure.
    assert.doesNotMatch(t.text('latin1'), /SERVERBUG|Internal server error/);
    s.onClose();
  } finally {
    await tc.cleanup();
  }
});
