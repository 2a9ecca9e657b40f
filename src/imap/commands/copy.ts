/**
 * COPY, MOVE (RFC 6851) and their UID forms, answering COPYUID (RFC 4315). A sequence set that
 * names a message expunged by another session copies nothing and ends with NO (RFC 2180 4.4.1);
 * the UID forms skip such a message as a UID that does not exist (RFC 3501 6.4.8).
 */
import { formatUidSet } from '../sequence/index.js';
import type { MailboxInfo, Uid } from '../../store/types.js';
import { atom, raw } from '../protocol/encoder.js';
import { no, rethrowMapped, type Completion } from '../session/errors.js';
import type { ImapSession } from '../session/session.js';
import { SELECTED } from '../session/state.js';
import { expectCount, mailboxName, sequenceSet } from './args.js';
import { resolve } from './mailboxes.js';
import { resolveTargets } from './messages.js';
import { defineCommand } from './types.js';

/** The destination of COPY/MOVE/APPEND; a missing one is [TRYCREATE]. */
export async function destination(session: ImapSession, name: string): Promise<MailboxInfo> {
  try {
    const target = await resolve(session, name);
    return await session.store.getMailbox(target.owner, target.name);
  } catch (err) {
    rethrowMapped(err, { tryCreate: true });
  }
}

async function prepare(session: ImapSession, set: ReturnType<typeof sequenceSet>, name: string, uid: boolean) {
  const view = session.view();
  let { uids } = resolveTargets(view, set, uid);
  const dest = await destination(session, name);
  if (uids.length > 0) {
    const existing = await session.store.listMessages(view.mailboxId, uids);
    if (existing.length < uids.length) {
      // UID COPY/MOVE ignore UIDs that no longer exist (RFC 3501 6.4.8) and act on the rest;
      // COPYUID then names only what was copied.
      if (!uid) throw no('Some of the requested messages no longer exist', 'EXPUNGEISSUED');
      const left = new Set<number>(existing.map((m) => m.uid));
      uids = uids.filter((u) => left.has(u));
    }
  }
  return { view, uids, dest };
}

function copyUid(uidValidity: number, mapping: { from: Uid; to: Uid }[]): string {
  return `COPYUID ${uidValidity} ${formatUidSet(mapping.map((m) => m.from))} ${formatUidSet(mapping.map((m) => m.to))}`;
}

const parseCopy = (usage: string) => (args: readonly import('../protocol/types.js').ImapValue[]) => {
  expectCount(args, 2, 2, usage);
  return { set: sequenceSet(args[0]), name: mailboxName(args[1]) };
};

export const copy = defineCommand({
  name: 'COPY',
  states: SELECTED,
  uid: true,
  allowsExpunge: true,
  parse: parseCopy('COPY sequence-set mailbox'),
  async handle(session, { set, name }, command): Promise<Completion | void> {
    const { view, uids, dest } = await prepare(session, set, name, command.uid);
    if (uids.length === 0) return { status: 'OK', text: 'No messages to copy' };
    const result = await session.store.copyMessages(view.mailboxId, uids, dest.id);
    if (dest.id === view.mailboxId) view.noteAppended(result.mapping.map((m) => m.to));
    return { status: 'OK', code: copyUid(result.uidValidity, result.mapping), text: 'COPY completed' };
  },
});

export const move = defineCommand({
  name: 'MOVE',
  states: SELECTED,
  uid: true,
  allowsExpunge: true,
  parse: parseCopy('MOVE sequence-set mailbox'),
  async handle(session, { set, name }, command): Promise<Completion | void> {
    const { view, uids, dest } = await prepare(session, set, name, command.uid);
    if (view.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
    if (uids.length === 0) return { status: 'OK', text: 'No messages to move' };
    if (dest.id === view.mailboxId) throw no('Cannot move messages into the mailbox they are in', 'CANNOT');
    const result = await session.store.moveMessages(view.mailboxId, uids, dest.id);
    // RFC 6851: COPYUID goes in an untagged OK, before the EXPUNGE responses.
    await session.sendUntagged([atom('OK'), raw(`[${copyUid(result.uidValidity, result.mapping)}] Moved`)]);
    view.noteExpunged(result.mapping.map((m) => m.from));
    return { status: 'OK', text: 'MOVE completed' };
  },
});
