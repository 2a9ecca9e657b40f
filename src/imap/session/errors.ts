/**
 * The one place where failures become IMAP replies: store error codes map to NO with a response
 * code (RFC 5530), syntax errors to BAD. Internal details go to the log, never to the client.
 */
import { isMailError, type MailErrorCode } from '../../store/errors.js';
import { ImapSyntaxError } from '../fetch/index.js';
import { BadCharsetError } from '../search/index.js';

export type CompletionStatus = 'OK' | 'NO' | 'BAD';

/** A command's tagged reply. */
export interface Completion {
  status: CompletionStatus;
  code?: string;
  text: string;
}

/** Thrown by a command to end with NO or BAD. */
export class CommandError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export const bad = (message: string, code?: string): CommandError => new CommandError('BAD', message, code);
export const no = (message: string, code?: string): CommandError => new CommandError('NO', message, code);

/** How a store error code is answered; `null` text means "use the error's own message". */
const MAIL_ERRORS: Partial<Record<MailErrorCode, { code: string; text: string | null }>> = {
  MS_MBX_REC_NOT_FOUND: { code: 'NONEXISTENT', text: 'Mailbox does not exist' },
  MS_MBX_REC_ALREADY_EXIST: { code: 'ALREADYEXISTS', text: 'Mailbox already exists' },
  MS_OVER_QUOTA: { code: 'OVERQUOTA', text: 'Quota exceeded' },
  MS_INVALID_NAME: { code: 'CANNOT', text: null },
  MS_INVALID_ARGUMENT: { code: 'CANNOT', text: null },
  MS_PERMISSION_DENIED: { code: 'NOPERM', text: 'Permission denied' },
  MS_CANNOT_DELETE_MBX_REC: { code: 'CANNOT', text: null },
  MS_CANNOT_UPDATE_MBX_REC: { code: 'CANNOT', text: null },
  MS_CANNOT_ADD_MBX_REC: { code: 'CANNOT', text: null },
  MS_MSGSTAT_REC_NOT_FOUND: { code: 'EXPUNGEISSUED', text: 'Some of the requested messages no longer exist' },
  MS_LOCKED_USER_DB: { code: 'INUSE', text: 'Mailbox is in use, try again later' },
  MS_LOCKED_MBX_DB: { code: 'INUSE', text: 'Mailbox is in use, try again later' },
  MS_LOCKED_MSGSTAT_DB: { code: 'INUSE', text: 'Mailbox is in use, try again later' },
  MS_LOCKED_SHARED_DB: { code: 'INUSE', text: 'Mailbox is in use, try again later' },
  MS_CANNOT_CREATE_MSGFILE: { code: 'UNAVAILABLE', text: 'The message could not be stored' },
  MS_STORE_CLOSED: { code: 'UNAVAILABLE', text: 'The server is shutting down' },
  MS_NO_MEM: { code: 'UNAVAILABLE', text: 'Not enough resources, try again later' },
};

export interface MapOptions {
  /** APPEND/COPY/MOVE into a missing mailbox: [TRYCREATE] (RFC 3501 6.3.11). */
  tryCreate?: boolean;
  /** CREATE/RENAME below a shared tree the user cannot reach: [NOPERM], whatever the reason. */
  createTarget?: boolean;
}

/** Turns anything a command threw into its tagged reply; `internal` is true when it should be logged. */
export function completionFor(err: unknown, options: MapOptions = {}): Completion & { internal: boolean } {
  if (err instanceof CommandError) return { status: err.status, code: err.code, text: err.message, internal: false };
  if (err instanceof BadCharsetError) return { status: 'NO', code: err.responseCode, text: 'Unsupported charset', internal: false };
  if (err instanceof ImapSyntaxError) return { status: 'BAD', text: err.message, internal: false };
  if (isMailError(err)) {
    if (err.code === 'MS_MBX_REC_NOT_FOUND' && options.tryCreate) {
      return { status: 'NO', code: 'TRYCREATE', text: 'Mailbox does not exist', internal: false };
    }
    if (err.code === 'MS_MBX_REC_NOT_FOUND' && options.createTarget) {
      return { status: 'NO', code: 'NOPERM', text: 'Mailboxes cannot be created there', internal: false };
    }
    const mapped = MAIL_ERRORS[err.code];
    if (mapped) return { status: 'NO', code: mapped.code, text: mapped.text ?? err.message, internal: false };
    return { status: 'NO', code: 'SERVERBUG', text: 'Internal error, please try again later', internal: true };
  }
  return { status: 'NO', code: 'SERVERBUG', text: 'Internal error, please try again later', internal: true };
}

/**
 * Re-throws a store error as the CommandError its context calls for (e.g. [TRYCREATE] for an
 * APPEND target); anything else is re-thrown unchanged.
 */
export function rethrowMapped(err: unknown, options: MapOptions): never {
  if (isMailError(err)) {
    const mapped = completionFor(err, options);
    if (!mapped.internal && mapped.status !== 'OK') throw new CommandError(mapped.status, mapped.text, mapped.code);
  }
  throw err;
}
