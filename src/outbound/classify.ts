/**
 * What a failed SMTP attempt means for a queued message: try again later, or give up.
 * Only a 5xx answer to this message's own commands (MAIL FROM, RCPT TO, DATA), or an envelope
 * or message nodemailer refuses to send at all, is permanent;
 * a refused connection, a timeout, TLS or AUTH trouble and every 4xx are temporary, so a relay
 * that is down or misconfigured never makes the queue drop mail.
 */

/** The fields of a nodemailer error that the queue looks at. */
export interface SmtpFailureInfo {
  message: string;
  code?: string;
  command?: string;
  responseCode?: number;
  rejectedErrors?: SmtpFailureInfo[];
}

function asFailure(err: unknown): SmtpFailureInfo {
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    return {
      message: typeof e.message === 'string' ? e.message : String(err),
      code: typeof e.code === 'string' ? e.code : undefined,
      command: typeof e.command === 'string' ? e.command : undefined,
      responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
      rejectedErrors: Array.isArray(e.rejectedErrors) ? (e.rejectedErrors as unknown[]).map(asFailure) : undefined,
    };
  }
  return { message: String(err) };
}

const MESSAGE_COMMANDS = /^(MAIL FROM|RCPT TO|DATA)$/i;

export interface Classified {
  permanent: boolean;
  /** One line for the log and the queue row's last error. */
  reason: string;
}

export function classifySmtpError(err: unknown): Classified {
  const f = asFailure(err);
  const reason = f.message.replace(/\s+/g, ' ').trim().slice(0, 500);
  if (f.code === 'EAUTH' || f.code === 'ETLS' || f.code === 'ECONNECTION' || f.code === 'ETIMEDOUT' || f.code === 'ESOCKET' || f.code === 'EDNS') {
    return { permanent: false, reason };
  }
  // Refused before anything was sent (an address or message nodemailer cannot send): never retried.
  if (f.command === 'API' && (f.code === 'EENVELOPE' || f.code === 'EMESSAGE')) return { permanent: true, reason };
  // Every recipient refused: permanent only when none of the refusals was temporary.
  if (f.rejectedErrors && f.rejectedErrors.length > 0) {
    const anyTemporary = f.rejectedErrors.some((r) => r.responseCode === undefined || r.responseCode < 500);
    return { permanent: !anyTemporary, reason };
  }
  const code = f.responseCode;
  const permanent = code !== undefined && code >= 500 && code < 600 && MESSAGE_COMMANDS.test(f.command ?? '');
  return { permanent, reason };
}

/** Whether one refused recipient (from a partly accepted message) may be tried again. */
export function isTemporaryRejection(err: unknown): boolean {
  const code = asFailure(err).responseCode;
  return code === undefined || code < 500;
}

/** Delay before attempt number `failures + 1`: doubling from `baseMs`, at most `maxMs`. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, failures), 30));
}
