/**
 * Where delivery asks what to do with one recipient's copy. The MailSort engine implements this
 * (plugged in by whoever builds the services); without one, everything goes to INBOX.
 */
import type { MessageIndex } from '../mime/types.js';
import type { UserRecord } from '../store/types.js';
import { INBOX_ONLY, type DeliveryPlan } from './plan.js';

export interface SortInput {
  user: UserRecord;
  /** The recipient address as given in the envelope. */
  recipient: string;
  /** Envelope sender ("" for the null reverse-path). */
  envelopeFrom: string;
  /** The message as received (line ends normalised), without the trace headers delivery adds. */
  raw: Buffer;
  index: MessageIndex;
  now?: Date;
}

export interface Sorter {
  plan(input: SortInput): Promise<DeliveryPlan>;
}

export const inboxOnlySorter: Sorter = {
  plan: async () => ({ ...INBOX_ONLY, folders: [...INBOX_ONLY.folders], forwards: [], notes: [] }),
};
