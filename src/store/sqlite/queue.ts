/**
 * The persistent outbound queue (forwards and vacation replies waiting for the SMTP relay).
 * The message is kept as a BLOB; a failed attempt sets the next attempt time or gives up.
 */
import { MailError } from '../errors.js';
import type { OutboundKind, OutboundMessage } from '../types.js';
import type { StoreContext } from './context.js';

interface OutboundRow {
  id: number;
  kind: OutboundKind;
  sender: string;
  recipients: string;
  raw: Buffer;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_error: string | null;
}

function toMessage(row: OutboundRow): OutboundMessage {
  return {
    id: row.id,
    kind: row.kind,
    from: row.sender,
    to: JSON.parse(row.recipients) as string[],
    raw: row.raw,
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error,
  };
}

export function enqueueOutbound(
  ctx: StoreContext,
  message: { kind: OutboundKind; from: string; to: string[]; raw: Buffer },
): number {
  if (message.kind !== 'forward' && message.kind !== 'vacation') {
    throw new MailError('MS_INVALID_ARGUMENT', `Unknown outbound kind ${String(message.kind)}`);
  }
  if (message.to.length === 0) throw new MailError('MS_INVALID_ARGUMENT', 'An outbound message needs at least one recipient');
  const now = Date.now();
  return ctx.write('MSGSTAT', 'add', () =>
    Number(
      ctx
        .stmt(
          `INSERT INTO outbound (kind, sender, recipients, raw, created_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(message.kind, message.from, JSON.stringify(message.to), message.raw, now, now).lastInsertRowid,
    ),
  );
}

export function dueOutbound(ctx: StoreContext, now: Date, limit: number): OutboundMessage[] {
  return ctx.read('MSGSTAT', () =>
    (
      ctx
        .stmt('SELECT * FROM outbound WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?')
        .all(now.getTime(), Math.max(0, Math.floor(limit))) as OutboundRow[]
    ).map(toMessage),
  );
}

function requireOutbound(ctx: StoreContext, id: number): void {
  if (ctx.col('SELECT 1 FROM outbound WHERE id = ?').get(id) === undefined) {
    throw new MailError('MS_MSGSTAT_REC_NOT_FOUND', `Outbound message ${id} not found`);
  }
}

export function completeOutbound(ctx: StoreContext, id: number): void {
  ctx.write('MSGSTAT', 'delete', () => {
    requireOutbound(ctx, id);
    ctx.stmt('DELETE FROM outbound WHERE id = ?').run(id);
  });
}

export function failOutbound(ctx: StoreContext, id: number, error: string, retryAt: Date | null): void {
  ctx.write('MSGSTAT', 'update', () => {
    requireOutbound(ctx, id);
    if (retryAt === null) {
      ctx.stmt('DELETE FROM outbound WHERE id = ?').run(id);
      return;
    }
    ctx
      .stmt('UPDATE outbound SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error, retryAt.getTime(), id);
  });
}

export function outboundStats(ctx: StoreContext): { depth: number; oldest: Date | null } {
  return ctx.read('MSGSTAT', () => {
    const row = ctx.stmt('SELECT count(*) AS depth, min(created_at) AS oldest FROM outbound').get() as {
      depth: number;
      oldest: number | null;
    };
    return { depth: row.depth, oldest: row.oldest === null ? null : new Date(row.oldest) };
  });
}
