/**
 * The one place where failures become HTTP answers: MailError codes from the store and the
 * admin service, and the web layer's own codes (validation, sign-in, CSRF). Every answer is a
 * JSON body `{ error: { code, message, details? } }` with a message a person understands;
 * internal details go to the log only.
 */
import { FilterEditError, FilterSyntaxError } from '../mailsort/errors.js';
import { isDiskFullError, isMailError, type MailErrorCode } from '../store/errors.js';

/** Codes the web layer adds to the store's MailError codes. */
export type WebErrorCode =
  | 'VALIDATION_FAILED'
  | 'NO_USER_NAME'
  | 'NO_PASSWORD'
  | 'NOT_AUTHORIZED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF_REJECTED'
  | 'NOT_FOUND'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'FILTER_SYNTAX'
  | 'VERSION_CONFLICT'
  | 'INVALID_CERTIFICATE'
  | 'OUT_OF_DISK_SPACE'
  | 'FILTER_UNREADABLE'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export type ApiErrorCode = WebErrorCode | MailErrorCode;

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: unknown };
}

/** An error the API answers as it is: status, code, message and optional structured details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

const WEB_STATUS: Record<WebErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NO_USER_NAME: 400,
  NO_PASSWORD: 400,
  NOT_AUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  FILTER_SYNTAX: 400,
  VERSION_CONFLICT: 409,
  INVALID_CERTIFICATE: 400,
  OUT_OF_DISK_SPACE: 507,
  FILTER_UNREADABLE: 500,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function webError(code: WebErrorCode, message: string, details?: unknown, options?: { cause?: unknown }): ApiError {
  return new ApiError(WEB_STATUS[code], code, message, details, options);
}

/** HTTP status for a store/admin error code. */
export function statusForMailCode(code: MailErrorCode): number {
  if (code.endsWith('_ALREADY_EXIST')) return 409;
  if (code.endsWith('_NOT_FOUND') || code === 'MS_NO_FILTERFILE') return 404;
  if (code.startsWith('MS_LOCKED_')) return 503;
  switch (code) {
    case 'MS_INVALID_ARGUMENT':
    case 'MS_INVALID_NAME':
      return 400;
    case 'MS_PERMISSION_DENIED':
      return 403;
    case 'MS_OVER_QUOTA':
      return 507;
    case 'MS_NO_MEM':
    case 'MS_STORE_CLOSED':
      return 503;
    default:
      return 500;
  }
}

/** Any thrown value to the answer the client gets. Unknown failures say nothing internal. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isDiskFullError(err) || isDiskFullError((err as { cause?: unknown } | undefined)?.cause)) {
    return webError('OUT_OF_DISK_SPACE', 'The server is out of disk space; the change was not saved.');
  }
  if (err instanceof FilterSyntaxError) return webError('FILTER_SYNTAX', `${err.message}.`, err.errors);
  if (err instanceof FilterEditError) return webError('VALIDATION_FAILED', `The filter block is not valid: ${err.message}.`, err.problems);
  if (isMailError(err)) {
    // "Cannot add/update/delete" thrown by a store rule (no underlying failure as its cause), such as
    // removing a shared mailbox's last member, conflicts with the current state: 409, not 500.
    const ruleRefusal = err.cause === undefined && /^MS_CANNOT_(ADD|UPDATE|DELETE)_[A-Z]+_REC$/.test(err.code);
    return new ApiError(ruleRefusal ? 409 : statusForMailCode(err.code), err.code, err.message);
  }
  return webError('INTERNAL', 'Something went wrong on the server; the details are in its log.');
}

export function errorBody(err: ApiError): ErrorBody {
  return { error: err.details === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, details: err.details } };
}
