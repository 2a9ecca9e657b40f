/**
 * CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE. Names go through the namespace rules of
 * src/mailboxes/access.ts: a shared mailbox the user is not a member of fails exactly like a
 * missing one.
 */
import { isMailError } from '../../store/errors.js';
import { resolveMailboxName, visibleMailboxName, type ResolvedMailbox } from '../../mailboxes/access.js';
import { no, rethrowMapped } from '../session/errors.js';
import type { ImapSession } from '../session/session.js';
import { AUTHENTICATED } from '../session/state.js';
import { checkNewMailboxName, expectCount, mailboxName, oneMailboxArgument } from './args.js';
import { defineCommand } from './types.js';

/** Resolves a name the user gave to the store's (owner, name). */
export async function resolve(session: ImapSession, name: string): Promise<ResolvedMailbox> {
  return resolveMailboxName(session.store, session.user(), name);
}

/** Resolves a name for creating: an unreachable shared tree is "not allowed", whatever the reason. */
async function resolveForCreate(session: ImapSession, name: string): Promise<ResolvedMailbox> {
  try {
    return await resolve(session, name);
  } catch (err) {
    rethrowMapped(err, { createTarget: true });
  }
}

const isInbox = (r: ResolvedMailbox): boolean => r.name === 'INBOX';

/** True when the session has this mailbox selected. */
function selectedHere(session: ImapSession, r: ResolvedMailbox): boolean {
  if (session.state.kind !== 'selected') return false;
  const v = session.state.view;
  return v.owner.kind === r.owner.kind && v.owner.address === r.owner.address && v.name === visibleMailboxName(r.owner, r.name);
}

export const create = defineCommand({
  name: 'CREATE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse(args) {
    expectCount(args, 1, 1, 'CREATE mailbox');
    // A trailing delimiter only says the client means to create children (RFC 3501 6.3.3).
    return mailboxName(args[0]).replace(/\/$/, '');
  },
  async handle(session, name) {
    checkNewMailboxName(name);
    const target = await resolveForCreate(session, name);
    if (isInbox(target)) throw no('INBOX already exists', 'ALREADYEXISTS');
    await session.store.createMailbox(target.owner, target.name);
  },
});

export const del = defineCommand({
  name: 'DELETE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: oneMailboxArgument('DELETE'),
  async handle(session, name) {
    const target = await resolve(session, name);
    if (isInbox(target)) throw no(target.owner.kind === 'user' ? 'INBOX cannot be deleted' : 'A shared mailbox cannot be deleted by its members', 'CANNOT');
    const info = await session.store.getMailbox(target.owner, target.name);
    const mine = session.state.kind === 'selected' && session.state.view.mailboxId === info.id ? session.state.view : null;
    if (mine) mine.deletingSelf = true;
    try {
      await session.store.deleteMailbox(target.owner, target.name);
    } finally {
      if (mine) mine.deletingSelf = false;
    }
    if (mine) session.deselect();
  },
});

export const rename = defineCommand({
  name: 'RENAME',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse(args) {
    expectCount(args, 2, 2, 'RENAME existing-mailbox new-mailbox');
    return { from: mailboxName(args[0]), to: mailboxName(args[1]).replace(/\/$/, '') };
  },
  async handle(session, { from, to }) {
    checkNewMailboxName(to);
    const source = await resolve(session, from);
    const target = await resolveForCreate(session, to);
    if (isInbox(target)) throw no('Cannot rename to INBOX', 'ALREADYEXISTS');
    if (source.owner.kind !== target.owner.kind || source.owner.address !== target.owner.address) {
      throw no('Mailboxes cannot be renamed between personal and shared mailboxes', 'CANNOT');
    }
    if (isInbox(source) && source.owner.kind === 'shared') throw no('A shared mailbox cannot be renamed by its members', 'CANNOT');
    if (target.name === source.name) throw no('Mailbox already exists', 'ALREADYEXISTS');
    if (target.name.startsWith(`${source.name}/`)) throw no('A mailbox cannot be moved below itself', 'CANNOT');
    const wasSelected = selectedHere(session, source);
    await session.store.renameMailbox(source.owner, source.name, target.name);
    if (wasSelected && session.state.kind === 'selected' && !isInbox(source)) session.state.view.name = visibleMailboxName(target.owner, target.name);
  },
});

export const subscribe = defineCommand({
  name: 'SUBSCRIBE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: oneMailboxArgument('SUBSCRIBE'),
  async handle(session, name) {
    const target = await resolve(session, name);
    await session.store.getMailbox(target.owner, target.name);
    await session.store.subscribe(session.user().address, visibleMailboxName(target.owner, target.name));
  },
});

export const unsubscribe = defineCommand({
  name: 'UNSUBSCRIBE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: oneMailboxArgument('UNSUBSCRIBE'),
  async handle(session, name) {
    const user = session.user().address;
    const subscribed = await session.store.listSubscriptions(user);
    let visible = name;
    try {
      const target = await resolve(session, name);
      visible = visibleMailboxName(target.owner, target.name);
    } catch (err) {
      // A name that no longer resolves (a shared mailbox left behind) can still be unsubscribed.
      if (!isMailError(err)) throw err;
    }
    const match = subscribed.find((s) => s === visible) ?? subscribed.find((s) => s === name);
    if (match === undefined) throw no('Not subscribed to that mailbox', 'NONEXISTENT');
    await session.store.unsubscribe(user, match);
  },
});
