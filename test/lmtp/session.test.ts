import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryInput, DeliveryOptions } from '../../src/delivery/pipeline.js';
import type { RecipientOutcome } from '../../src/delivery/outcome.js';
import { LmtpSession, type SessionPipeline } from '../../src/lmtp/session.js';
import { silentLogger } from '../../src/log/logger.js';

function outcome(recipient: string, code = 250): RecipientOutcome {
  return { recipient, code, enhanced: code === 250 ? '2.0.0' : '4.3.0', text: `<${recipient}> done`, lmCode: code === 250 ? null : 'LM_STORE_FAILURE', mailboxes: [] };
}

class FakePipeline implements SessionPipeline {
  readonly delivered: DeliveryInput[] = [];
  gate: Promise<void> = Promise.resolve();

  async checkRecipient(recipient: string): Promise<RecipientOutcome> {
    return recipient.startsWith('ghost')
      ? { recipient, code: 550, enhanced: '5.1.1', text: 'unknown', lmCode: 'LM_USER_NOT_FOUND', mailboxes: [] }
      : { recipient, code: 250, enhanced: '2.1.5', text: 'ok', lmCode: null, mailboxes: [] };
  }

  async deliver(input: DeliveryInput, options: DeliveryOptions = {}): Promise<RecipientOutcome[]> {
    this.delivered.push(input);
    await this.gate;
    const outcomes = input.recipients.map((r) => outcome(r, r.startsWith('temp') ? 451 : 250));
    outcomes.forEach((o, i) => options.onOutcome?.(i, o));
    return outcomes;
  }
}

function makeSession(pipeline: SessionPipeline, maxMessageBytes = 1000) {
  const out: string[] = [];
  let ended = false;
  const session = new LmtpSession({
    pipeline,
    logger: silentLogger(),
    hostname: 'mx.test',
    remote: 'test',
    maxMessageBytes,
    maxLineBytes: 512,
    maxBadCommands: 10,
    transport: { write: (d) => out.push(d), end: () => (ended = true) },
  });
  session.greet();
  return { session, out, ended: () => ended };
}

const codes = (out: string[]) => out.join('').split('\r\n').filter(Boolean).map((l) => l.slice(0, 4));

const SCRIPT =
  'LHLO mta\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@x.example>\r\nRCPT TO:<ghost@x.example>\r\nRCPT TO:<temp@x.example>\r\nDATA\r\n' +
  'Subject: one\r\n\r\nbody\r\n.\r\n' +
  'MAIL FROM:<>\r\nRCPT TO:<u@x.example>\r\nDATA\r\n..dot\r\n.\r\nQUIT\r\n';

describe('LMTP session', () => {
  for (const [label, size] of [['whole', SCRIPT.length], ['byte by byte', 1], ['7 bytes at a time', 7]] as const) {
    test(`fully pipelined conversation, fed ${label}`, async () => {
      const pipeline = new FakePipeline();
      const { session, out, ended } = makeSession(pipeline);
      const bytes = Buffer.from(SCRIPT);
      for (let i = 0; i < bytes.length; i += size) await session.receive(bytes.subarray(i, i + size));
      assert.deepEqual(codes(out), [
        '220 ',
        '250-', '250-', '250-', '250-', '250-', '250 ',
        '250 ', '250 ', '550 ', '250 ', '354 ',
        '250 ', '451 ',
        '250 ', '250 ', '354 ',
        '250 ',
        '221 ',
      ]);
      assert.equal(ended(), true);
      assert.deepEqual(pipeline.delivered.map((d) => [d.envelopeFrom, d.recipients, d.raw.toString()]), [
        ['a@b.example', ['u@x.example', 'temp@x.example'], 'Subject: one\r\n\r\nbody\r\n'],
        ['', ['u@x.example'], '.dot\r\n'],
      ]);
    });
  }

  test('shutdown waits for a delivery under way, then says 421; an idle timeout does not cut it', async () => {
    const pipeline = new FakePipeline();
    let open!: () => void;
    pipeline.gate = new Promise((resolve) => (open = resolve));
    const { session, out, ended } = makeSession(pipeline);
    await session.receive(Buffer.from('LHLO m\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@x.example>\r\nDATA\r\n'));
    const delivering = session.receive(Buffer.from('x\r\n.\r\n'));
    await new Promise((r) => setImmediate(r));
    session.timeout();
    const stopping = session.shutdown();
    await new Promise((r) => setImmediate(r));
    assert.equal(ended(), false, 'still delivering');
    open();
    await delivering;
    await stopping;
    const lines = codes(out);
    assert.deepEqual(lines.slice(-2), ['250 ', '421 ']);
    assert.equal(ended(), true);
  });

  test('a message over the limit is read to its end and refused for every recipient', async () => {
    const pipeline = new FakePipeline();
    const { session, out } = makeSession(pipeline, 50);
    await session.receive(Buffer.from('LHLO m\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@x.example>\r\nRCPT TO:<v@x.example>\r\nDATA\r\n'));
    await session.receive(Buffer.from(`${'z'.repeat(200)}\r\n.\r\nNOOP\r\n`));
    assert.deepEqual(codes(out).slice(-3), ['552 ', '552 ', '250 ']);
    assert.equal(pipeline.delivered.length, 0);
  });
});
