/**
 * What the MailSort engine decides for one recipient's copy of a message; the delivery
 * pipeline carries it out as one unit.
 */
export interface DeliveryPlan {
  /** Refuse the message for this recipient: LMTP answers `550 5.7.1 <reason>`. Nothing else is done. */
  reject: string | null;
  /**
   * Folders to file the message into, as the user names them ("INBOX", "Lists/rust",
   * "shared/sales@example.com/Quotes"), each once. Empty means keep no copy (discard).
   */
  folders: string[];
  /** Addresses to forward the message to, unchanged, through the outbound queue. */
  forwards: string[];
  /** A complete vacation reply (raw RFC 5322 bytes) and its recipient, when one is due. */
  vacation: { to: string; raw: Buffer } | null;
  /** Why a folder or action was replaced or skipped, for the delivery log. */
  notes: string[];
}

export const INBOX_ONLY: DeliveryPlan = { reject: null, folders: ['INBOX'], forwards: [], vacation: null, notes: [] };
