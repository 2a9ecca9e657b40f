/**
 * The result of delivering one message to one recipient, in the terms every way in needs:
 * an SMTP/LMTP reply code with its enhanced status code (RFC 3463), the LM_* code for logs and
 * spool reason files, and a sysexits value for `msgstore deliver`.
 */
import { isMailError } from '../store/errors.js';
import { isDeliveryError, type LmErrorCode } from './errors.js';

export interface RecipientOutcome {
  /** The recipient address as the client gave it. */
  recipient: string;
  /** Reply code: 250 stored, 4xx try again later, 5xx permanent. */
  code: number;
  /** RFC 3463 enhanced status code, e.g. "2.0.0", "5.1.1". */
  enhanced: string;
  /** Reply text safe to send to the client (no internal detail). */
  text: string;
  /** Null when the message was stored (or deliberately discarded by the recipient's rules). */
  lmCode: LmErrorCode | null;
  /** Mailboxes the message was filed into, as the recipient sees their names. */
  mailboxes: string[];
}

export type OutcomeKind = 'delivered' | 'temporary' | 'permanent';

export function outcomeKind(outcome: Pick<RecipientOutcome, 'code'>): OutcomeKind {
  if (outcome.code >= 200 && outcome.code < 300) return 'delivered';
  return outcome.code >= 400 && outcome.code < 500 ? 'temporary' : 'permanent';
}

export function delivered(recipient: string, mailboxes: string[]): RecipientOutcome {
  const text = mailboxes.length === 0 ? `<${recipient}> accepted, discarded by the recipient's rules` : `<${recipient}> delivered`;
  return { recipient, code: 250, enhanced: '2.0.0', text, lmCode: null, mailboxes };
}

export function unknownRecipient(recipient: string): RecipientOutcome {
  return { recipient, code: 550, enhanced: '5.1.1', text: `<${recipient}> user unknown`, lmCode: 'LM_USER_NOT_FOUND', mailboxes: [] };
}

/** Temporary when the message would fit once the user makes room; permanent when it never can. */
export function overQuota(recipient: string, permanent: boolean): RecipientOutcome {
  return permanent
    ? { recipient, code: 552, enhanced: '5.2.2', text: `<${recipient}> mailbox is over quota`, lmCode: 'LM_OVER_QUOTA', mailboxes: [] }
    : { recipient, code: 452, enhanced: '4.2.2', text: `<${recipient}> is temporarily over quota`, lmCode: 'LM_OVER_QUOTA', mailboxes: [] };
}

export function tooLarge(recipient: string, limit: number): RecipientOutcome {
  return { recipient, code: 552, enhanced: '5.3.4', text: `Message exceeds the size limit of ${limit} bytes`, lmCode: 'LM_MSG_TOO_LARGE', mailboxes: [] };
}

export function rejected(recipient: string, reason: string): RecipientOutcome {
  // The reason comes from the user's own rule; keep it on one printable line.
  const clean = reason.replace(/[\x00-\x1f\x7f]+/g, ' ').trim() || 'Message rejected';
  return { recipient, code: 550, enhanced: '5.7.1', text: clean, lmCode: 'LM_REJECTED', mailboxes: [] };
}

export function temporaryFailure(recipient: string, lmCode: LmErrorCode = 'LM_STORE_FAILURE'): RecipientOutcome {
  return { recipient, code: 451, enhanced: '4.3.0', text: 'Temporary failure storing the message, try again later', lmCode, mailboxes: [] };
}

/**
 * Maps a failure while storing to the recipient's outcome. Anything unexpected (a full disk, an
 * unwritable data directory, a database error) is temporary: the sender keeps the message and retries.
 */
export function outcomeForError(recipient: string, err: unknown, context: { messageBytes: number; quotaBytes: number | null }): RecipientOutcome {
  if (isMailError(err, 'MS_OVER_QUOTA')) {
    return overQuota(recipient, context.quotaBytes !== null && context.messageBytes > context.quotaBytes);
  }
  if (isMailError(err, 'MS_USER_REC_NOT_FOUND') || isMailError(err, 'MS_SHARED_REC_NOT_FOUND')) return unknownRecipient(recipient);
  if (isDeliveryError(err, 'LM_USER_NOT_FOUND')) return unknownRecipient(recipient);
  // A failed allocation (RangeError from Buffer/ArrayBuffer) is a resource shortage, not bad data.
  if (isDeliveryError(err, 'LM_NO_MEM') || isMailError(err, 'MS_NO_MEM') || err instanceof RangeError) return temporaryFailure(recipient, 'LM_NO_MEM');
  return temporaryFailure(recipient);
}

/** sysexits.h values used by `msgstore deliver` (what Postfix and dovecot-lda users expect). */
export const EX_OK = 0;
export const EX_DATAERR = 65;
export const EX_NOUSER = 67;
export const EX_TEMPFAIL = 75;
export const EX_NOPERM = 77;

export function exitCodeFor(outcome: RecipientOutcome): number {
  switch (outcome.lmCode) {
    case null:
      return EX_OK;
    case 'LM_USER_NOT_FOUND':
      return EX_NOUSER;
    case 'LM_REJECTED':
      return EX_NOPERM;
    case 'LM_MSG_TOO_LARGE':
    case 'LM_INVALID_MSGENV':
    case 'LM_INVALID_MSGHDR':
    case 'LM_INVALID_MSGBODY':
    case 'LM_MQ_MSGFILE_EMPTY':
      return EX_DATAERR;
    default:
      return outcomeKind(outcome) === 'permanent' ? EX_NOPERM : EX_TEMPFAIL;
  }
}
