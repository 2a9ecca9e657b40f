/**
 * Which folders a filter may file into: the user's own folders, or a shared mailbox the user
 * is a member of ("shared/<address>" or a folder below it). Anything else becomes INBOX, with
 * the reason, so mail is never lost.
 */
import type { UserRecord } from '../store/types.js';
import { normalizeMailboxName, validateMailboxName } from '../store/names.js';
import { normalizeAddress, LOOP_HEADER } from './vacation.js';
import type { MessageView } from './message-view.js';

export const SHARED_PREFIX = 'shared';

export type TargetResolution = { ok: true; folder: string } | { ok: false; reason: string };

function checkName(name: string): string | null {
  try {
    validateMailboxName(name);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The folder a move/copy target names, as the user sees it, or why it cannot be used. */
export function resolveTarget(target: string, user: Pick<UserRecord, 'shared'>): TargetResolution {
  const name = normalizeMailboxName(target.trim().replace(/^\/+|\/+$/g, ''));
  const levels = name.split('/');
  if ((levels[0] ?? '').toLowerCase() === SHARED_PREFIX) {
    const address = (levels[1] ?? '').toLowerCase();
    if (address === '') return { ok: false, reason: `"${target}" names no shared mailbox` };
    if (!user.shared.includes(address)) {
      return { ok: false, reason: `"${target}": no shared mailbox ${address} of which the user is a member` };
    }
    const rest = levels.slice(2).join('/');
    if (rest !== '') {
      const bad = checkName(rest);
      if (bad) return { ok: false, reason: `"${target}": ${bad}` };
    }
    return { ok: true, folder: rest === '' ? `${SHARED_PREFIX}/${address}` : `${SHARED_PREFIX}/${address}/${rest}` };
  }
  const bad = checkName(name);
  return bad ? { ok: false, reason: `"${target}": ${bad}` } : { ok: true, folder: name };
}

/**
 * Why forwarding this message again would make a loop (it already passed through this user),
 * or null.
 */
export function forwardLoopReason(view: MessageView, ownAddresses: readonly string[]): string | null {
  const own = new Set(ownAddresses.map(normalizeAddress));
  for (const v of view.header('delivered-to')) if (own.has(normalizeAddress(v))) return `Delivered-To: ${v.trim()}`;
  for (const v of view.header(LOOP_HEADER)) if (own.has(normalizeAddress(v))) return `${LOOP_HEADER}: ${v.trim()}`;
  return null;
}
