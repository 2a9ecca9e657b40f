/**
 * Vacation replies (RFC 5230, RFC 3834): when a reply may go, and the reply itself. Pure: the
 * engine supplies the clock and asks the store whether this sender was answered recently.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_VACATION_DAYS, type Day, type VacationSettings } from './ast.js';
import type { MessageView } from './message-view.js';
import { formatMailbox, formatRfc5322Date, headerLine, textBody } from './mail-format.js';
import { compareDays } from './validate.js';

/** Loop header on vacation replies (value: the user's address); a forward is refused for a message naming this user in it. */
export const LOOP_HEADER = 'X-Msgstore-Loop';

/** Local parts used only by programs (RFC 5230 4.6); compared lower-case. */
const AUTOMATED_LOCAL_PARTS = [
  /^mailer-daemon$/,
  /^listserv$/,
  /^majordomo$/,
  /^no[-_.]?reply$/,
  /^do[-_.]?not[-_.]?reply$/,
  /^owner-/,
  /-owner$/,
  /-request$/,
  /-bounces?$/,
];

/** The address inside optional angle brackets, lower-cased; "" for the null path. */
export function normalizeAddress(address: string): string {
  return address.trim().replace(/^<(.*)>$/, '$1').trim().toLowerCase();
}

export function isAutomatedSender(address: string): boolean {
  const local = normalizeAddress(address).split('@')[0] ?? '';
  return AUTOMATED_LOCAL_PARTS.some((re) => re.test(local));
}

function dayOf(d: Date): Day {
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() };
}

/** Within the `active` dates (server's local calendar days, both ends included). */
export function isVacationActive(v: VacationSettings, now: Date): boolean {
  const today = dayOf(now);
  if (v.activeFrom && compareDays(today, v.activeFrom) < 0) return false;
  if (v.activeUntil && compareDays(today, v.activeUntil) > 0) return false;
  return true;
}

export function vacationDays(v: VacationSettings): number {
  return v.days ?? DEFAULT_VACATION_DAYS;
}

/** Fields where the user's address must appear for a reply (RFC 5230 4.5). */
const RECIPIENT_FIELDS = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc'];

export interface VacationCheck {
  view: MessageView;
  envelopeFrom: string;
  /** The user's addresses: the account, the envelope recipient and the file's `addresses`. */
  ownAddresses: readonly string[];
}

/** Why no reply may go to this message, or null when one may (the per-sender memory aside). */
export function vacationRefusal(c: VacationCheck): string | null {
  const sender = normalizeAddress(c.envelopeFrom);
  const own = new Set(c.ownAddresses.map(normalizeAddress));
  if (sender === '') return 'empty return path';
  for (const value of c.view.header('auto-submitted')) {
    const kind = (value.split(';')[0] ?? '').trim().toLowerCase();
    if (kind !== 'no') return `Auto-Submitted: ${kind}`;
  }
  for (const value of c.view.header('precedence')) {
    const p = value.trim().toLowerCase();
    if (p === 'bulk' || p === 'list' || p === 'junk') return `Precedence: ${p}`;
  }
  const listHeader = c.view.names().find((n) => n.startsWith('list-'));
  if (listHeader) return `mailing list (${listHeader})`;
  if (isAutomatedSender(sender)) return `automated sender ${sender}`;
  if (own.has(sender)) return 'sender is the user';
  const addressed = RECIPIENT_FIELDS.some((f) => c.view.addresses(f).some((a) => own.has(a.address.toLowerCase())));
  if (!addressed) return 'none of the user\'s addresses is in To or Cc';
  return null;
}

/** The first message id (<...>) in a field value, or null. */
function messageIdIn(value: string | undefined): string | null {
  return value ? (/<[^<>\s]+>/.exec(value)?.[0] ?? null) : null;
}

function allMessageIds(value: string | undefined): string[] {
  return value ? (value.match(/<[^<>\s]+>/g) ?? []) : [];
}

export interface VacationReplyInput {
  settings: VacationSettings;
  /** The message answered. */
  view: MessageView;
  /** Envelope sender of the message answered: the reply's recipient. */
  to: string;
  /** The user, as the reply's author. */
  from: { address: string; name: string };
  hostname: string;
  now: Date;
}

export function newMessageId(hostname: string, now: Date): string {
  return `<${now.getTime().toString(36)}.${randomBytes(9).toString('hex')}@${hostname}>`;
}

/** The reply as raw RFC 5322 bytes with CRLF line ends. */
export function buildVacationReply(input: VacationReplyInput): Buffer {
  const { settings, view } = input;
  const originalSubject = view.header('subject')[0];
  const subject =
    settings.subject ?? (originalSubject !== undefined && originalSubject.trim() !== '' ? `Auto: ${originalSubject.trim()}` : 'Automated reply');
  const parentId = messageIdIn(view.header('message-id')[0]);
  // RFC 5322 3.6.4: the parent's References (or its single In-Reply-To), then the parent's id.
  let references: string[] = [];
  if (parentId) {
    references = allMessageIds(view.header('references')[0]);
    if (references.length === 0) {
      const parentInReplyTo = allMessageIds(view.header('in-reply-to')[0]);
      if (parentInReplyTo.length === 1) references = parentInReplyTo;
    }
    references.push(parentId);
  }
  const body = textBody(settings.body ?? '');
  let head = '';
  head += headerLine('From', formatMailbox(input.from.name, input.from.address), { structured: true });
  head += headerLine('To', `<${input.to.trim().replace(/^<(.*)>$/, '$1').trim()}>`, { structured: true });
  head += headerLine('Subject', subject);
  head += headerLine('Date', formatRfc5322Date(input.now));
  head += headerLine('Message-ID', newMessageId(input.hostname, input.now), { structured: true });
  if (parentId) {
    head += headerLine('In-Reply-To', parentId, { structured: true });
    head += headerLine('References', references.join(' '), { structured: true });
  }
  head += headerLine('Auto-Submitted', 'auto-replied');
  head += headerLine(LOOP_HEADER, input.from.address, { structured: true });
  head += headerLine('MIME-Version', '1.0');
  head += headerLine('Content-Type', `text/plain; charset=${body.charset}`);
  head += headerLine('Content-Transfer-Encoding', body.encoding);
  return Buffer.from(`${head}\r\n${body.body}\r\n`, 'utf8');
}
