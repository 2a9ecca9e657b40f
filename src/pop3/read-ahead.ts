/**
 * One-message read-ahead for RETR: clients fetch a maildrop in order (fetchmail, most mail
 * programs), so while message n goes out, message n+1 is read from its file. The next RETR
 * then finds its bytes ready instead of waiting on the disk. Only one message is held, and
 * only a small one, so memory stays bounded.
 */
import type { MailboxId, Store, Uid } from '../store/types.js';

export class ReadAhead {
  private pending: { uid: Uid; bytes: Promise<Buffer> } | null = null;

  constructor(
    private readonly store: Store,
    private readonly mailboxId: MailboxId,
  ) {}

  /** Starts reading `uid` in the background, replacing any earlier read-ahead. */
  start(uid: Uid): void {
    const bytes = this.store.readMessage(this.mailboxId, uid);
    // A failed read-ahead is not an error: the real read later reports it properly.
    bytes.catch(() => undefined);
    this.pending = { uid, bytes };
  }

  /** The message's bytes: the read-ahead when it was for this message, else a fresh read. */
  async read(uid: Uid): Promise<Buffer> {
    const pending = this.pending;
    this.pending = null;
    if (pending !== null && pending.uid === uid) {
      try {
        return await pending.bytes;
      } catch {
        // Fall through to a fresh read, which throws the store's own error if it still fails.
      }
    }
    return this.store.readMessage(this.mailboxId, uid);
  }
}
