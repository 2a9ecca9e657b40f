/**
 * Typed Message Store errors. Every failure a user, client or administrator can cause carries
 * one of these codes; protocol layers map codes to their own replies (IMAP NO/BAD, POP3 -ERR,
 * LMTP enhanced status codes, HTTP statuses) in one place each.
 */

export const ERROR_MESSAGES = {
  // Users database
  MS_CANNOT_OPEN_USER_DB: 'User database cannot be opened',
  MS_LOCKED_USER_DB: 'User database is locked',
  MS_USER_REC_ALREADY_EXIST: 'User name already exists',
  MS_USER_REC_NOT_FOUND: 'User name not found',
  MS_CANNOT_ADD_USER_REC: 'User name cannot be added',
  MS_CANNOT_DELETE_USER_REC: 'User name cannot be deleted',
  MS_CANNOT_UPDATE_USER_REC: 'User name cannot be updated',
  // Shared mailboxes database
  MS_CANNOT_OPEN_SHARED_DB: 'Shared database cannot be opened',
  MS_LOCKED_SHARED_DB: 'Shared database is locked',
  MS_SHARED_REC_ALREADY_EXIST: 'Shared name already exists',
  MS_SHARED_REC_NOT_FOUND: 'Shared name not found',
  MS_CANNOT_ADD_SHARED_REC: 'Shared name cannot be added',
  MS_CANNOT_DELETE_SHARED_REC: 'Shared name cannot be deleted',
  MS_CANNOT_UPDATE_SHARED_REC: 'Shared name cannot be updated',
  // Mailbox database
  MS_CANNOT_OPEN_MBX_DB: 'Mailbox database cannot be opened',
  MS_LOCKED_MBX_DB: 'Mailbox database is locked',
  MS_MBX_REC_ALREADY_EXIST: 'Mailbox name already exists',
  MS_MBX_REC_NOT_FOUND: 'Mailbox name not found',
  MS_CANNOT_ADD_MBX_REC: 'Mailbox name cannot be added',
  MS_CANNOT_DELETE_MBX_REC: 'Mailbox name cannot be deleted',
  MS_CANNOT_UPDATE_MBX_REC: 'Mailbox name cannot be updated',
  // Message status database (flags, UIDs)
  MS_CANNOT_OPEN_MSGSTAT_DB: 'Message status database cannot be opened',
  MS_LOCKED_MSGSTAT_DB: 'Message status database is locked',
  MS_MSGSTAT_REC_ALREADY_EXIST: 'Message status ID already exists',
  MS_MSGSTAT_REC_NOT_FOUND: 'Message status ID not found',
  MS_CANNOT_ADD_MSGSTAT_REC: 'Message status ID cannot be added',
  MS_CANNOT_DELETE_MSGSTAT_REC: 'Message status ID cannot be deleted',
  MS_CANNOT_UPDATE_MSGSTAT_REC: 'Message status ID cannot be updated',
  // Message envelope database
  MS_CANNOT_OPEN_MSGENV_DB: 'Message envelope database cannot be opened',
  MS_LOCKED_MSGENV_DB: 'Message envelope database is locked',
  MS_MSGENV_REC_ALREADY_EXIST: 'Message envelope ID already exists',
  MS_MSGENV_REC_NOT_FOUND: 'Message envelope ID not found',
  MS_CANNOT_ADD_MSGENV_REC: 'Message envelope ID cannot be added',
  MS_CANNOT_DELETE_MSGENV_REC: 'Message envelope ID cannot be deleted',
  MS_CANNOT_UPDATE_MSGENV_REC: 'Message envelope ID cannot be updated',
  // Message body (structure) database
  MS_CANNOT_OPEN_MSGBODY_DB: 'Message body database cannot be opened',
  MS_LOCKED_MSGBODY_DB: 'Message body database is locked',
  MS_MSGBODY_REC_ALREADY_EXIST: 'Message body ID already exists',
  MS_MSGBODY_REC_NOT_FOUND: 'Message body ID not found',
  MS_CANNOT_ADD_MSGBODY_REC: 'Message body ID cannot be added',
  MS_CANNOT_DELETE_MSGBODY_REC: 'Message body ID cannot be deleted',
  MS_CANNOT_UPDATE_MSGBODY_REC: 'Message body ID cannot be updated',
  // Directories and files
  MS_CANNOT_CREATE_DIR: 'Directory cannot be created',
  MS_CANNOT_DELETE_DIR: 'Directory cannot be deleted',
  MS_CANNOT_CREATE_HOMEDIR: 'Home directory cannot be created',
  MS_CANNOT_DELETE_HOMEDIR: 'Home directory cannot be deleted',
  MS_CANNOT_CREATE_MBX_DIR: 'Mailbox directory cannot be created',
  // Whole-store copies (backup / restore)
  MS_SOURCE_DB_NOT_FOUND: 'Message store databases not found',
  MS_CANNOT_OPEN_SOURCE_DB: 'Message store databases cannot be opened',
  MS_CANNOT_READ_SOURCE_DB: 'Message store databases cannot be read',
  MS_CANNOT_COPY_SOURCE_DB: 'Message store databases cannot be copied',
  MS_CANNOT_CREATE_TARGET_DB: 'Message store databases cannot be created in the target directory',
  MS_CANNOT_WRITE_TARGET_DB: 'Message store databases cannot be written to the target directory',
  // Message files
  MS_CANNOT_CREATE_MSGFILE: 'Message file cannot be created',
  MS_CANNOT_DELETE_MSGFILE: 'Message file cannot be deleted',
  MS_MSGFILE_NOT_FOUND: 'Message file is missing',
  // Filters
  MS_NO_FILTERFILE: 'No filter file for user',
  // Resources
  MS_NO_MEM: 'Not enough memory',
  // Additions beyond the original list
  MS_OVER_QUOTA: 'Mailbox quota exceeded',
  MS_INVALID_NAME: 'Invalid name',
  MS_INVALID_ARGUMENT: 'Invalid argument',
  MS_PERMISSION_DENIED: 'Permission denied',
  MS_STORE_CLOSED: 'The message store is closed',
} as const;

export type MailErrorCode = keyof typeof ERROR_MESSAGES;

export class MailError extends Error {
  readonly code: MailErrorCode;
  /** Internal detail for logs; never sent to a client. */
  readonly detail: string | undefined;

  constructor(code: MailErrorCode, message?: string, options?: { cause?: unknown; detail?: string }) {
    super(message ?? ERROR_MESSAGES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailError';
    this.code = code;
    this.detail = options?.detail;
  }
}

export function isMailError(err: unknown, code?: MailErrorCode): err is MailError {
  return err instanceof MailError && (code === undefined || err.code === code);
}

/** True when a Node fs/system error means the disk (or quota) is full. */
export function isDiskFullError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}
