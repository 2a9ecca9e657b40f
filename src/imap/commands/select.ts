/** SELECT, EXAMINE, STATUS, CHECK, CLOSE and UNSELECT (RFC 3501 6.3.1-2, 6.3.10, 6.4.1-2; RFC 3691). */
import { visibleMailboxName } from '../../mailboxes/access.js';
import { atom, list, num, astr } from '../protocol/encoder.js';
import { encodeMailboxName } from '../protocol/mutf7.js';
import type { Completion } from '../session/errors.js';
import { bad } from '../session/errors.js';
import type { ImapSession } from '../session/session.js';
import { AUTHENTICATED, SELECTED } from '../session/state.js';
import { SelectedView } from '../session/view.js';
import { atomText, expectCount, listItems, mailboxName, oneMailboxArgument } from './args.js';
import { resolve } from './mailboxes.js';
import { defineCommand } from './types.js';

async function open(session: ImapSession, name: string, readOnly: boolean): Promise<Completion> {
  const user = session.user();
  // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
  session.deselect();
  const target = await resolve(session, name);
  const info = await session.store.getMailbox(target.owner, target.name);
  const view = new SelectedView({
    mailboxId: info.id,
    owner: target.owner,
    name: visibleMailboxName(target.owner, info.name),
    uidValidity: info.uidValidity,
    readOnly,
    uids: [],
  });
  // Listen first, then read: a change in between is reported later rather than lost.
  session.select(view, user);
  let messages;
  let status;
  try {
    messages = await session.store.listMessages(info.id);
    view.load(messages.map((m) => m.uid));
    if (!readOnly) view.addRecent(await session.store.claimRecent(info.id));
    status = await session.store.mailboxStatus(info.id);
  } catch (err) {
    session.deselect();
    throw err;
  }

  let firstUnseen = 0;
  messages.forEach((m, i) => {
    view.learnKeywords(m.flags);
    if (firstUnseen === 0 && !m.flags.includes('\\Seen')) firstUnseen = i + 1;
  });
  const [flagsLine, permanentLine] = view.flagsResponses();
  await session.send(flagsLine as Buffer);
  await session.sendUntagged([num(view.count), atom('EXISTS')]);
  await session.sendUntagged([num(readOnly ? status.recent : view.recent.size), atom('RECENT')]);
  if (firstUnseen > 0) await session.send(Buffer.from(`* OK [UNSEEN ${firstUnseen}] First unseen message\r\n`, 'latin1'));
  await session.send(Buffer.from(`* OK [UIDVALIDITY ${info.uidValidity}] UIDs valid\r\n`, 'latin1'));
  await session.send(Buffer.from(`* OK [UIDNEXT ${status.uidNext}] Predicted next UID\r\n`, 'latin1'));
  await session.send(permanentLine as Buffer);
  return { status: 'OK', code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed` };
}

export const select = defineCommand({
  name: 'SELECT',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: oneMailboxArgument('SELECT'),
  handle: (session, name) => open(session, name, false),
});

export const examine = defineCommand({
  name: 'EXAMINE',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse: oneMailboxArgument('EXAMINE'),
  handle: (session, name) => open(session, name, true),
});

// APPENDLIMIT (RFC 7889 3.1): the advertised capability makes the STATUS item valid too.
const STATUS_ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE', 'APPENDLIMIT']);

export const status = defineCommand({
  name: 'STATUS',
  states: AUTHENTICATED,
  allowsExpunge: true,
  parse(args) {
    expectCount(args, 2, 2, 'STATUS mailbox (items)');
    const items = listItems(args[1], 'a list of status items').map((v) => atomText(v, 'a status item').toUpperCase());
    if (items.length === 0) throw bad('STATUS needs at least one item');
    for (const item of items) if (!STATUS_ITEMS.has(item)) throw bad(`Unknown STATUS item ${item}`);
    return { name: mailboxName(args[0]), items };
  },
  async handle(session, { name, items }) {
    const target = await resolve(session, name);
    const info = await session.store.getMailbox(target.owner, target.name);
    const s = await session.store.mailboxStatus(info.id);
    // The store counts only messages no session has claimed yet; on the mailbox this session
    // has selected, the ones it holds as \Recent count too, so STATUS agrees with its FETCH FLAGS.
    const held = session.state.kind === 'selected' && session.state.view.mailboxId === info.id ? session.state.view.recent.size : 0;
    const values: Record<string, number> = {
      MESSAGES: s.messages,
      RECENT: s.recent + held,
      UIDNEXT: s.uidNext,
      UIDVALIDITY: s.uidValidity,
      UNSEEN: s.unseen,
      SIZE: s.size,
      APPENDLIMIT: session.ctx.config.limits.maxMessageBytes,
    };
    const out = items.flatMap((item) => [atom(item), num(values[item] ?? 0)]);
    await session.sendUntagged([atom('STATUS'), astr(encodeMailboxName(visibleMailboxName(target.owner, info.name))), list(out)]);
  },
});

export const check = defineCommand({
  name: 'CHECK',
  states: SELECTED,
  allowsExpunge: true,
  parse: (args) => expectCount(args, 0, 0, 'CHECK'),
  async handle() {
    // Every change is durable when its command completes; CHECK only reports pending updates.
  },
});

export const close = defineCommand({
  name: 'CLOSE',
  states: SELECTED,
  allowsExpunge: false,
  parse: (args) => expectCount(args, 0, 0, 'CLOSE'),
  async handle(session) {
    const view = session.view();
    // CLOSE expunges silently (no EXPUNGE responses), then leaves the mailbox.
    session.deselect();
    if (!view.readOnly) await session.store.expunge(view.mailboxId);
  },
});

export const unselect = defineCommand({
  name: 'UNSELECT',
  states: SELECTED,
  allowsExpunge: false,
  parse: (args) => expectCount(args, 0, 0, 'UNSELECT'),
  async handle(session) {
    session.deselect();
  },
});

