/**
 * Where a delivery may file mail: a "+detail" address and a MailSort move/copy target never
 * reach another user's mailboxes or a shared mailbox the user is not a member of, never create
 * folders outside the recipient's own tree, and never turn a name into a file path (every
 * message file is named by its content hash).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DeliveryPipeline } from '../../src/delivery/pipeline.js';
import { MailSortEngine } from '../../src/mailsort/engine.js';
import { openStore, type Owner, type Store } from '../../src/store/index.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const SALES = 'sales@example.com'; // alice is a member
const BOARD = 'board@example.com'; // bob only
const alice: Owner = { kind: 'user', address: ALICE };
const bob: Owner = { kind: 'user', address: BOB };
const sales: Owner = { kind: 'shared', address: SALES };
const board: Owner = { kind: 'shared', address: BOARD };

/** Targets a hostile (or careless) filter file might name. */
const HOSTILE_TARGETS = [
  `shared/${BOARD}`,
  `shared/${BOARD}/Minutes`,
  `Shared/${BOARD.toUpperCase()}/Minutes`,
  `/shared/${BOARD}/`,
  `shared/${SALES}/../../${BOARD}`,
  `shared/${SALES}/../x`,
  'shared/nobody@example.com',
  'shared',
  'shared//x',
  '../../etc',
  '../etc/passwd',
  'INBOX/../../x',
  './x',
  'a//b',
  `${'deep/'.repeat(40)}x`,
];

function quietLogger() {
  return pino({ level: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
}

function mail(subject: string): Buffer {
  return Buffer.from(`From: sender@remote.example\r\nTo: ${ALICE}\r\nSubject: ${subject}\r\n\r\nBody.\r\n`);
}

async function namesOf(store: Store, owner: Owner): Promise<string[]> {
  return (await store.listMailboxes(owner)).map((m) => m.name).sort();
}

async function countIn(store: Store, owner: Owner, name: string): Promise<number> {
  const box = await store.findMailbox(owner, name);
  return box ? (await store.listMessages(box.id)).length : 0;
}

/** Every file below `dir`, relative to it. */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

describe('delivery: +detail addresses and MailSort targets stay inside what the user may reach', () => {
  let dir: string;
  let store: Store;
  let pipeline: DeliveryPipeline;
  let aliceInitial: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msgstore-sec-delivery-'));
    store = await openStore({ dataDir: dir });
    await store.addUser({ address: ALICE, passwordHash: 'scrypt$test$x' });
    await store.addUser({ address: BOB, passwordHash: 'scrypt$test$x' });
    await store.addShared({ address: SALES, members: [ALICE] });
    await store.addShared({ address: BOARD, members: [BOB] });
    await store.createMailbox(board, 'Minutes');
    await store.createMailbox(bob, 'Private');
    const rules = HOSTILE_TARGETS.map((t, i) => `rule "r${i}"\n  if subject contains "[t${i}]"\n  move to "${t}"\nend\n`).join('\n');
    // Two good targets, so the test knows the filter really runs.
    const controls = `rule "own"\n  if subject contains "[own]"\n  move to "Lists/ok"\nend\n\nrule "member"\n  if subject contains "[member]"\n  move to "shared/${SALES}/Quotes"\nend\n\n`;
    await store.setFilterFile(ALICE, controls + rules);
    aliceInitial = await namesOf(store, alice);
    const logger = quietLogger();
    pipeline = new DeliveryPipeline({ store, logger, hostname: 'mail.example.com', sorter: new MailSortEngine({ store, logger, hostname: 'mail.example.com' }) });
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('control: the filter files into the user\'s own folders and a shared mailbox they belong to', async () => {
    const [own] = await pipeline.deliver({ envelopeFrom: 'sender@remote.example', recipients: [ALICE], raw: mail('[own]') });
    assert.deepEqual(own?.mailboxes, ['Lists/ok']);
    const [member] = await pipeline.deliver({ envelopeFrom: 'sender@remote.example', recipients: [ALICE], raw: mail('[member]') });
    assert.deepEqual(member?.mailboxes, [`shared/${SALES}/Quotes`]);
    aliceInitial = await namesOf(store, alice);
  });

  test('a filter cannot file into a shared mailbox the user is not a member of, nor outside the tree', async () => {
    for (let i = 0; i < HOSTILE_TARGETS.length; i++) {
      const [outcome] = await pipeline.deliver({ envelopeFrom: 'sender@remote.example', recipients: [ALICE], raw: mail(`[t${i}]`) });
      assert.equal(outcome?.code, 250, HOSTILE_TARGETS[i]);
      assert.deepEqual(outcome?.mailboxes, ['INBOX'], `${HOSTILE_TARGETS[i]} -> ${outcome?.mailboxes.join(',')}`);
    }
    assert.equal(await countIn(store, alice, 'INBOX'), HOSTILE_TARGETS.length);
    // No folder appeared anywhere: alice's tree has only what a new user has.
    assert.deepEqual(await namesOf(store, alice), aliceInitial);
    assert.deepEqual(await namesOf(store, board), ['INBOX', 'Minutes']);
    assert.equal(await countIn(store, board, 'INBOX'), 0);
    assert.equal(await countIn(store, board, 'Minutes'), 0);
    assert.deepEqual(await namesOf(store, sales), ['INBOX', 'Quotes']);
  });

  test('a +detail never leaves the recipient\'s own tree', async () => {
    const before = { alice: await namesOf(store, alice), bob: await namesOf(store, bob), board: await namesOf(store, board), sales: await namesOf(store, sales) };
    const details = [
      '../../x',
      '../Private',
      `shared/${BOARD}`,
      `shared/${BOARD}/Minutes`,
      `shared/${SALES}`,
      'Shared',
      '/etc/passwd',
      'INBOX/../../bob',
      `${BOB}/Private`,
    ];
    for (const detail of details) {
      for (const base of ['alice', 'sales']) {
        const rcpt = `${base}+${detail}@example.com`;
        const [outcome] = await pipeline.deliver({ envelopeFrom: 'sender@remote.example', recipients: [rcpt], raw: mail('[detail]') });
        assert.equal(outcome?.code, 250, rcpt);
        const expected = base === 'alice' ? ['INBOX'] : [`shared/${SALES}`];
        assert.deepEqual(outcome?.mailboxes, expected, `${rcpt} -> ${outcome?.mailboxes.join(',')}`);
      }
    }
    assert.deepEqual({ alice: await namesOf(store, alice), bob: await namesOf(store, bob), board: await namesOf(store, board), sales: await namesOf(store, sales) }, before);
    assert.equal(await countIn(store, bob, 'INBOX'), 0);
    assert.equal(await countIn(store, bob, 'Private'), 0);
    assert.equal(await countIn(store, board, 'Minutes'), 0);
    assert.equal(await countIn(store, sales, 'INBOX'), details.length);
  });

  test('message files are named by their content hash only', () => {
    const files = filesBelow(join(dir, 'mail'));
    assert.ok(files.length > 0);
    for (const f of files) assert.match(f, /^(\d+\/)?[0-9a-f]{2}\/[0-9a-f]{64}$/, f);
  });
});
