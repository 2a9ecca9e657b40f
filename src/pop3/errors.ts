/**
 * The one place where store errors become POP3 -ERR replies (RFC 2449 and RFC 3206 response
 * codes). Clients see the short public message; details go to the log only.
 */
import { isMailError, type MailErrorCode } from '../store/errors.js';
import type { ResponseCode } from './protocol/responses.js';

export interface Pop3ErrorReply {
  text: string;
  code: ResponseCode;
}

/** Failures that will not go away by trying again. */
const PERMANENT: ReadonlySet<MailErrorCode> = new Set<MailErrorCode>([
  'MS_MSGSTAT_REC_NOT_FOUND',
  'MS_MSGFILE_NOT_FOUND',
  'MS_MBX_REC_NOT_FOUND',
  'MS_USER_REC_NOT_FOUND',
  'MS_PERMISSION_DENIED',
  'MS_INVALID_ARGUMENT',
]);

const TEXT: Partial<Record<MailErrorCode, string>> = {
  MS_MSGSTAT_REC_NOT_FOUND: 'That message was removed by another session',
  MS_MSGFILE_NOT_FOUND: 'Unable to fetch message text: the message file is missing',
  MS_MBX_REC_NOT_FOUND: 'Unable to open incoming mailbox',
  MS_STORE_CLOSED: 'The server is shutting down',
};

export function pop3ErrorFor(err: unknown): Pop3ErrorReply {
  if (!isMailError(err)) return { text: 'Internal server error; please try again later', code: 'SYS/TEMP' };
  return {
    text: TEXT[err.code] ?? err.message,
    code: PERMANENT.has(err.code) ? 'SYS/PERM' : 'SYS/TEMP',
  };
}
