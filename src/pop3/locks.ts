/**
 * Who has a maildrop open, in this process. POP3 needs exclusive access to the INBOX it serves
 * (RFC 1939 section 8: a second session on the same maildrop is refused with [IN-USE],
 * RFC 2449 section 8.1.2). In the guide's strict mode (config.pop3.exclusiveInbox) a POP3
 * login is also refused while an IMAP session has that INBOX selected; for that the IMAP
 * server reports its selections here with one call:
 *
 *   const release = ctx.maildropLocks.imapSelected(user.address, mailbox.id);  // on SELECT/EXAMINE
 *   release();                                              // on CLOSE, UNSELECT, re-SELECT, logout
 *
 * The composition root owns one instance shared by the IMAP and POP3 services.
 */
import type { MailboxId } from '../store/types.js';

export type MaildropLockResult =
  | { ok: true; release(): void }
  | { ok: false; heldBy: 'pop3' | 'imap' };

export class MaildropLocks {
  /** Mailboxes held by a POP3 session. */
  private readonly pop3 = new Set<MailboxId>();
  /** Per mailbox, one entry (the user's address) per IMAP session that has it selected. */
  private readonly imap = new Map<MailboxId, string[]>();

  /**
   * Records that an IMAP session selected (or examined) a mailbox. Returns the function to call
   * when the session leaves it; calling it more than once is harmless.
   */
  imapSelected(userAddress: string, mailboxId: MailboxId): () => void {
    const holders = this.imap.get(mailboxId) ?? [];
    holders.push(userAddress);
    this.imap.set(mailboxId, holders);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const current = this.imap.get(mailboxId);
      if (current === undefined) return;
      const at = current.indexOf(userAddress);
      if (at !== -1) current.splice(at, 1);
      if (current.length === 0) this.imap.delete(mailboxId);
    };
  }

  /** Addresses of the users whose IMAP sessions have the mailbox selected (one per session). */
  imapHolders(mailboxId: MailboxId): readonly string[] {
    return this.imap.get(mailboxId) ?? [];
  }

  /**
   * Takes a mailbox for a POP3 session. Refused while another POP3 session holds it, and, when
   * `exclusiveInbox` is set, while any IMAP session has it selected.
   */
  lockForPop3(mailboxId: MailboxId, options: { exclusiveInbox: boolean }): MaildropLockResult {
    if (this.pop3.has(mailboxId)) return { ok: false, heldBy: 'pop3' };
    if (options.exclusiveInbox && this.imap.has(mailboxId)) return { ok: false, heldBy: 'imap' };
    this.pop3.add(mailboxId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.pop3.delete(mailboxId);
      },
    };
  }

  isPop3Locked(mailboxId: MailboxId): boolean {
    return this.pop3.has(mailboxId);
  }
}
