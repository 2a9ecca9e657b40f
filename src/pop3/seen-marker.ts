/**
 * Sets \Seen on retrieved messages (RETR counts as reading; IMAP then shows them read) without
 * a database commit per RETR: marks gather for a short moment and are written as one batch,
 * so a client fetching a whole maildrop pays one commit per batch, not one per message.
 * flush() writes what is pending and waits for it; the session calls it before UPDATE and at
 * its end, so no mark is lost when the client disconnects.
 */
import type { Logger } from 'pino';
import type { MailboxId, Store, Uid } from '../store/types.js';

const SEEN = ['\\Seen'];
/** How long marks may wait to be batched; short enough that IMAP clients see them at once. */
const BATCH_DELAY_MS = 50;

export class SeenMarker {
  private pending: Uid[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly mailboxId: MailboxId,
    private readonly logger: Logger,
  ) {}

  add(uid: Uid): void {
    this.pending.push(uid);
    if (this.timer === null) {
      this.timer = setTimeout(() => void this.writePending(), BATCH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes what is pending now and resolves once every mark added so far is written or logged. */
  async flush(): Promise<void> {
    await this.writePending();
  }

  private writePending(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      // Batches are written one after another, in the order they were taken.
      this.writing = this.writing.then(() =>
        this.store.storeFlags(this.mailboxId, batch, 'add', SEEN).then(
          () => undefined,
          (err: unknown) => this.logger.warn({ err, uids: batch.length }, 'pop3 could not set \\Seen'),
        ),
      );
    }
    return this.writing;
  }
}
