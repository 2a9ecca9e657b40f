/**
 * Local Mail Delivery Agent errors (the admin guide's LM_* list, plus the few a modern agent
 * needs). Every recipient outcome and every spool file moved to failed/ carries one of these
 * codes, so an administrator can grep the log and the spool for the same word.
 */

export const LM_ERROR_MESSAGES = {
  // From the guide's "Error Handling for the Local Mail Delivery Agent"
  LM_CANNOT_INIT_MQ: 'Message queue cannot be initialized',
  LM_CANNOT_OPEN_MQ: 'Message queue cannot be opened',
  LM_NO_MEM: 'Not enough memory',
  LM_MQ_MSGFILE_NOT_FOUND: 'Message queue message file not found',
  LM_MQ_MSGFILE_EMPTY: 'Message queue message file is empty',
  LM_CANNOT_OPEN_MQ_MSGFILE: 'Message queue message file cannot be opened',
  LM_CANNOT_READ_MQ_MSGFILE: 'Message queue message file cannot be read',
  LM_INVALID_MSGHDR: 'Message header is invalid',
  LM_INVALID_MSGENV: 'Message envelope is invalid',
  LM_INVALID_MSGBODY: 'Message body is invalid',
  // Additions: per-recipient outcomes of the pipeline
  LM_USER_NOT_FOUND: 'Recipient not found in the message store',
  LM_OVER_QUOTA: 'Recipient is over quota',
  LM_MSG_TOO_LARGE: 'Message exceeds the size limit',
  LM_REJECTED: 'Message rejected by the recipient\'s MailSort rules',
  LM_STORE_FAILURE: 'Message store is temporarily unable to store the message',
} as const;

export type LmErrorCode = keyof typeof LM_ERROR_MESSAGES;

export class DeliveryError extends Error {
  readonly code: LmErrorCode;
  /** Internal detail for logs and spool reason files; never sent to an LMTP client. */
  readonly detail: string | undefined;

  constructor(code: LmErrorCode, message?: string, options?: { cause?: unknown; detail?: string }) {
    super(message ?? LM_ERROR_MESSAGES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    this.code = code;
    this.detail = options?.detail;
  }
}

export function isDeliveryError(err: unknown, code?: LmErrorCode): err is DeliveryError {
  return err instanceof DeliveryError && (code === undefined || err.code === code);
}
