/**
 * One simulated mail client on its own account: the operations a desktop mail client performs,
 * each checked against the client's MailboxModel.
 */
import { ImapClient, responseCode, type TaggedReply } from '../clients/imap-client.js';
import { Prng } from '../lib/prng.js';
import { nowMs, sleep } from '../lib/stats.js';
import { MailboxModel, normalizeFlags, parseFetch } from './mailbox-model.js';

export const ARCHIVE = 'Archive';

export type Operation = 'select' | 'headers' | 'body' | 'flag' | 'move' | 'expunge' | 'append' | 'idle' | 'check';

/** How often each operation is picked: reading dominates, and the mailbox size stays about level. */
const WEIGHTS: [Operation, number][] = [
  ['headers', 20],
  ['body', 30],
  ['flag', 15],
  ['move', 5],
  ['expunge', 5],
  ['append', 10],
  ['idle', 5],
  ['select', 5],
  ['check', 5],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

export class MailClient {
  readonly model: MailboxModel;
  readonly latencies = new Map<Operation, number[]>();
  private readonly prng: Prng;
  operations = 0;

  constructor(
    readonly imap: ImapClient,
    label: string,
    seed: number,
    private readonly appendPool: readonly Buffer[],
  ) {
    this.model = new MailboxModel(label);
    this.prng = new Prng(seed);
  }

  /** SELECT INBOX and learn every UID and flag; makes the Archive folder (it may exist). */
  async open(): Promise<void> {
    await this.imap.command(`CREATE ${ARCHIVE}`);
    await this.select();
  }

  private async select(): Promise<void> {
    const reply = await this.imap.ok('SELECT INBOX');
    const exists = reply.untagged.find((u) => u.kind === 'EXISTS')?.number ?? null;
    const listing = await this.imap.ok('UID FETCH 1:* (UID FLAGS)');
    const known = this.model.size;
    const fetches = listing.untagged.filter((u) => u.kind === 'FETCH');
    if (exists !== null && exists !== fetches.length) this.model.violation(`SELECT said ${exists} EXISTS, UID FETCH 1:* listed ${fetches.length}`);
    const messages = fetches.map(parseFetch);
    if (known > 0) this.model.compareFull(messages);
    this.model.reset(messages);
  }

  private pickOperation(): Operation {
    let r = this.prng.next() * TOTAL_WEIGHT;
    for (const [op, w] of WEIGHTS) {
      if ((r -= w) < 0) return op;
    }
    return 'headers';
  }

  private randomUid(): number | null {
    const uids = this.model.allUids;
    return uids.length ? uids[Math.floor(this.prng.next() * uids.length)]! : null;
  }

  /** Runs one command and checks its untagged responses against the model. */
  private async run(command: string, literal?: Buffer): Promise<TaggedReply> {
    let reply = await this.imap.command(command, literal);
    if (reply.status === 'NO' && /\[EXPUNGEISSUED\]/i.test(reply.text)) {
      // Another session expunged messages (RFC 5530): as a mail client does, learn which ones
      // with NOOP, then ask again.
      this.model.apply(reply.untagged);
      const noop = await this.imap.ok('NOOP');
      this.model.apply(noop.untagged);
      this.model.endOfReply('NOOP');
      reply = await this.imap.command(command, literal);
    }
    if (reply.status !== 'OK') throw new Error(`${command.slice(0, 60)}: ${reply.status} ${reply.text}`);
    this.model.apply(reply.untagged);
    this.model.endOfReply(command.split(' ').slice(0, 2).join(' '));
    return reply;
  }

  /** One operation, timed. */
  async step(): Promise<void> {
    const op = this.pickOperation();
    const start = nowMs();
    await this.perform(op);
    const list = this.latencies.get(op) ?? [];
    list.push(nowMs() - start);
    this.latencies.set(op, list);
    this.operations++;
  }

  /** Performs one operation (step() picks one at random). */
  async perform(op: Operation): Promise<void> {
    const model = this.model;
    switch (op) {
      case 'select':
        return this.select();
      case 'check': {
        const reply = await this.run('UID FETCH 1:* (UID FLAGS)');
        model.compareFull(reply.untagged.filter((u) => u.kind === 'FETCH').map(parseFetch));
        return;
      }
      case 'headers': {
        const uids = model.allUids.slice(-25);
        if (uids.length === 0) return;
        const reply = await this.run(`UID FETCH ${uids[0]}:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)])`);
        const got = new Set(reply.untagged.filter((u) => u.kind === 'FETCH').map((u) => Number(/UID (\d+)/i.exec(u.raw.text)?.[1])));
        for (const uid of uids) if (!got.has(uid)) model.violation(`UID FETCH ${uids[0]}:* did not return UID ${uid} (lost)`);
        return;
      }
      case 'body': {
        const uid = this.randomUid();
        if (uid === null) return;
        model.setFlags(uid, [...(model.flagsOf(uid) ?? []), '\\seen'].filter((f, i, all) => all.indexOf(f) === i));
        const reply = await this.run(`UID FETCH ${uid} (UID RFC822.SIZE BODY[])`);
        // A server may split the data items over several FETCH responses (RFC 3501 7.4.2).
        const fetches = reply.untagged.filter((u) => u.kind === 'FETCH');
        const sizeText = fetches.map((u) => /RFC822\.SIZE (\d+)/i.exec(u.raw.text)?.[1]).find((v) => v !== undefined);
        const size = Number(sizeText ?? -1);
        const body = fetches.find((u) => /BODY\[\]/i.test(u.raw.text) && u.raw.literals.length > 0)?.raw.literals[0];
        if (!body) model.violation(`UID FETCH ${uid} BODY[] returned no body: ${fetches.map((u) => u.raw.text.slice(0, 120)).join(' | ') || 'no FETCH response'}`);
        else if (body.length !== size) model.violation(`UID ${uid}: BODY[] has ${body.length} bytes, RFC822.SIZE says ${size}`);
        return;
      }
      case 'flag': {
        const uid = this.randomUid();
        if (uid === null) return;
        const flags = model.flagsOf(uid) ?? [];
        const flagged = flags.includes('\\flagged');
        model.setFlags(uid, flagged ? flags.filter((f) => f !== '\\flagged') : [...flags, '\\flagged']);
        const reply = await this.run(`UID STORE ${uid} ${flagged ? '-' : '+'}FLAGS (\\Flagged)`);
        if (!reply.untagged.some((u) => u.kind === 'FETCH')) model.violation(`UID STORE ${uid} answered no FETCH with the new flags`);
        return;
      }
      case 'move': {
        const uid = this.randomUid();
        if (uid === null) return;
        model.expectExpunge(uid);
        await this.run(`UID MOVE ${uid} ${ARCHIVE}`);
        return;
      }
      case 'expunge': {
        const uid = this.randomUid();
        if (uid === null) return;
        model.setFlags(uid, [...(model.flagsOf(uid) ?? []), '\\deleted']);
        await this.run(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
        model.expectExpunge(uid);
        await this.run('EXPUNGE');
        return;
      }
      case 'append': {
        const message = this.appendPool[Math.floor(this.prng.next() * this.appendPool.length)]!;
        const reply = await this.imap.ok('APPEND INBOX (\\Seen)', message);
        const code = responseCode(reply.text, 'APPENDUID');
        const uid = code === null ? NaN : Number(code.split(' ')[1]);
        model.apply(reply.untagged);
        if (Number.isNaN(uid)) model.violation('APPEND answered no APPENDUID');
        else model.appended(uid, normalizeFlags(['\\Seen']));
        model.endOfReply('APPEND');
        return;
      }
      case 'idle': {
        const done = await this.imap.idle();
        await sleep(50 + Math.floor(this.prng.next() * 150));
        const reply = await done();
        if (reply.status !== 'OK') model.violation(`IDLE ended with ${reply.status} ${reply.text}`);
        model.apply(reply.untagged);
        model.endOfReply('IDLE');
        return;
      }
    }
  }
}
