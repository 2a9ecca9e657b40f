import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RawPop3Client } from './client.js';
import { sampleMessage, startPop3, type Pop3Fixture } from './fixture.js';

async function login(f: Pop3Fixture, user: string, password = 'pw'): Promise<RawPop3Client> {
  const c = await RawPop3Client.connect(f.port);
  await c.command(`USER ${user}`);
  const answer = await c.command(`PASS ${password}`);
  assert.match(answer, /^\+OK/, answer);
  return c;
}

const DOTTED = sampleMessage(2, '.leading dot\r\n..two dots\r\n.\r\nend\r\n');
const NO_FINAL_CRLF = 'Subject: bare\r\n\r\nlast line without end';

describe('POP3 transaction state', () => {
  let f: Pop3Fixture;
  const messages = [sampleMessage(1), DOTTED, sampleMessage(3, 'line1\r\nline2\r\nline3\r\n'), NO_FINAL_CRLF];

  before(async () => {
    f = await startPop3();
  });
  after(async () => f.cleanup());

  async function freshUser(name: string): Promise<string> {
    const address = `${name}@example.com`;
    await f.addUser(address, 'pw');
    for (const m of messages) await f.deliver(address, m);
    return address;
  }

  test('STAT, LIST and LIST n give exact octet counts', async () => {
    const user = await freshUser('stat');
    const c = await login(f, user);
    const sizes = messages.map((m) => Buffer.byteLength(m));
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.equal(await c.command('STAT'), `+OK 4 ${total}`);
    const list = await c.multi('LIST');
    assert.equal(list.status, `+OK 4 messages (${total} octets)`);
    assert.equal(list.body.toString(), sizes.map((s, i) => `${i + 1} ${s}\r\n`).join(''));
    assert.equal(await c.command('LIST 2'), `+OK 2 ${sizes[1]}`);
    assert.equal(await c.command('LIST 5'), '-ERR No such message: 5');
    assert.equal(await c.command('LIST 0'), '-ERR Invalid message number');
    assert.equal(await c.command('LIST x'), '-ERR Invalid message number');
    assert.match(await c.command('LIST 1 2'), /^-ERR LIST needs exactly one message number/);
    assert.match(await c.command('STAT 1'), /^-ERR STAT takes no arguments/);
    c.close();
  });

  test('RETR sends the exact stored bytes, byte-stuffed, and the size matches', async () => {
    const user = await freshUser('retr');
    const c = await login(f, user);
    for (const [i, m] of messages.entries()) {
      const r = await c.multi(`RETR ${i + 1}`);
      assert.equal(r.status, `+OK ${Buffer.byteLength(m)} octets`);
      const expected = m.endsWith('\r\n') ? m : `${m}\r\n`;
      assert.equal(r.body.toString(), expected);
    }
    c.close();
  });

  test('the wire form of a dotted message is stuffed', async () => {
    const user = await freshUser('wire');
    const c = await login(f, user);
    c.write('RETR 2\r\n');
    const status = await c.readLine();
    assert.match(status, /^\+OK/);
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) {
      const line = await c.readLine();
      if (line === '.') break;
      lines.push(line);
    }
    assert.deepEqual(lines.slice(-4), ['..leading dot', '...two dots', '..', 'end']);
    c.close();
  });

  test('TOP gives the header and n body lines; TOP n 0 only the header', async () => {
    const user = await freshUser('top');
    const c = await login(f, user);
    const header = messages[2]!.slice(0, messages[2]!.indexOf('\r\n\r\n') + 4);
    assert.equal((await c.multi('TOP 3 0')).body.toString(), header);
    assert.equal((await c.multi('TOP 3 2')).body.toString(), `${header}line1\r\nline2\r\n`);
    assert.equal((await c.multi('TOP 3 100')).body.toString(), messages[2]);
    assert.equal((await c.multi('TOP 2 1')).body.toString(), messages[1]!.slice(0, messages[1]!.indexOf('\r\n\r\n') + 4) + '.leading dot\r\n');
    assert.match(await c.command('TOP 3'), /^-ERR TOP needs a message number and a number of lines/);
    assert.match(await c.command('TOP 3 -1'), /^-ERR Invalid number of lines/);
    c.close();
  });

  test('UIDL lists stable values; UIDL n answers one', async () => {
    const user = await freshUser('uidl');
    const c = await login(f, user);
    const all = (await c.multi('UIDL')).body.toString().trim().split('\r\n');
    assert.equal(all.length, 4);
    const ids = all.map((l) => l.split(' ')[1] ?? '');
    assert.equal(new Set(ids).size, 4);
    for (const id of ids) assert.match(id, /^[\x21-\x7e]{1,70}$/);
    assert.equal(await c.command('UIDL 3'), `+OK 3 ${ids[2]}`);
    c.close();
  });

  test('DELE marks; numbers do not shift; deleted messages are refused; RSET unmarks', async () => {
    const user = await freshUser('dele');
    const c = await login(f, user);
    const sizes = messages.map((m) => Buffer.byteLength(m));
    assert.equal(await c.command('DELE 2'), '+OK Message 2 deleted');
    assert.equal(await c.command('DELE 2'), '-ERR Message 2 is already deleted');
    assert.equal(await c.command('RETR 2'), '-ERR Message 2 is already deleted');
    assert.equal(await c.command('TOP 2 0'), '-ERR Message 2 is already deleted');
    assert.equal(await c.command('LIST 2'), '-ERR Message 2 is already deleted');
    assert.equal(await c.command('UIDL 2'), '-ERR Message 2 is already deleted');
    assert.equal(await c.command('STAT'), `+OK 3 ${sizes[0]! + sizes[2]! + sizes[3]!}`);
    assert.equal((await c.multi('LIST')).body.toString().split('\r\n')[1], `3 ${sizes[2]}`);
    assert.equal(await c.command('LIST 3'), `+OK 3 ${sizes[2]}`);
    assert.equal(await c.command('NOOP'), '+OK');
    assert.match(await c.command('RSET'), /^\+OK Maildrop has 4 messages/);
    assert.equal(await c.command('LIST 2'), `+OK 2 ${sizes[1]}`);
    c.close();
  });

  test('QUIT removes the deleted messages; a dropped connection removes nothing', async () => {
    const user = await freshUser('quit');
    const inbox = await f.inboxId(user);
    const dropped = await login(f, user);
    await dropped.command('DELE 1');
    await dropped.command('DELE 2');
    dropped.close();
    // The lock goes with the session; wait until a new login succeeds.
    let c: RawPop3Client | null = null;
    for (let i = 0; i < 50 && c === null; i++) {
      const attempt = await RawPop3Client.connect(f.port);
      await attempt.command(`USER ${user}`);
      if ((await attempt.command('PASS pw')).startsWith('+OK')) c = attempt;
      else {
        attempt.close();
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert.ok(c, 'login after a dropped session');
    assert.equal((await f.ctx.store.listMessages(inbox)).length, 4, 'nothing removed by a drop');
    await c.command('DELE 1');
    await c.command('DELE 3');
    assert.equal(await c.command('QUIT'), '+OK msgstore POP3 server signing off (2 messages deleted)');
    await c.waitClosed();
    const left = await f.ctx.store.listMessages(inbox);
    assert.equal(left.length, 2);
    const again = await login(f, user);
    assert.match(await again.command('STAT'), /^\+OK 2 /);
    assert.equal((await again.multi('RETR 1')).body.toString(), DOTTED);
    again.close();
  });

  test('RETR marks the message \\Seen; TOP does not', async () => {
    const user = await freshUser('seen');
    const inbox = await f.inboxId(user);
    const c = await login(f, user);
    await c.multi('RETR 1');
    await c.multi('TOP 2 0');
    await c.command('NOOP');
    // The mark is written in the background; it lands within moments.
    let metas = await f.ctx.store.listMessages(inbox);
    for (let i = 0; i < 100 && !metas[0]!.flags.includes('\\Seen'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      metas = await f.ctx.store.listMessages(inbox);
    }
    assert.ok(metas[0]!.flags.includes('\\Seen'));
    assert.ok(!metas[1]!.flags.includes('\\Seen'));
    c.close();
  });

  test('pipelined commands are answered in order', async () => {
    const user = await freshUser('pipe');
    const c = await RawPop3Client.connect(f.port);
    const sizes = messages.map((m) => Buffer.byteLength(m));
    c.write(`USER ${user}\r\nPASS pw\r\nSTAT\r\nLIST 1\r\nRETR 1\r\nDELE 1\r\nUIDL 1\r\nLIST 2\r\nBOGUS\r\nNOOP\r\nQUIT\r\n`);
    assert.match(await c.readLine(), /^\+OK/);
    assert.match(await c.readLine(), /^\+OK pipe@example.com has 4/);
    assert.match(await c.readLine(), /^\+OK 4 /);
    assert.equal(await c.readLine(), `+OK 1 ${sizes[0]}`);
    assert.equal((await c.readMulti()).body.toString(), messages[0]);
    assert.equal(await c.readLine(), '+OK Message 1 deleted');
    assert.equal(await c.readLine(), '-ERR Message 1 is already deleted');
    assert.equal(await c.readLine(), `+OK 2 ${sizes[1]}`);
    assert.equal(await c.readLine(), '-ERR Unknown command: BOGUS');
    assert.equal(await c.readLine(), '+OK');
    assert.match(await c.readLine(), /^\+OK .*\(1 messages deleted\)/);
    await c.waitClosed();
  });

  test('a large message streams whole and exact', async () => {
    const user = `big@example.com`;
    await f.addUser(user, 'pw');
    const line = '.' + 'x'.repeat(75) + '\r\n';
    const big = 'Subject: big\r\n\r\n' + line.repeat(40_000);
    await f.deliver(user, big);
    const c = await login(f, user);
    const r = await c.multi('RETR 1');
    assert.equal(r.status, `+OK ${Buffer.byteLength(big)} octets`);
    assert.equal(r.body.length, Buffer.byteLength(big));
    assert.ok(r.body.equals(Buffer.from(big)));
    // TOP on a streamed message stops after the lines it needs.
    const top = await c.multi('TOP 1 2');
    assert.equal(top.body.toString(), 'Subject: big\r\n\r\n' + line.repeat(2));
    assert.equal((await c.multi('TOP 1 0')).body.toString(), 'Subject: big\r\n\r\n');
    assert.equal(await c.command('NOOP'), '+OK');
    c.close();
  });
});
