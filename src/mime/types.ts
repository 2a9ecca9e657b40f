/**
 * The index of one stored message, computed once from its raw bytes (after line-end
 * normalisation) and kept by the store, so that FETCH never re-parses a message.
 */

/** A half-open byte range [start, end) into the stored message file. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One MIME entity and where its pieces lie in the stored file. */
export interface MimePart {
  /** Header block of this entity, including the blank line that ends it (when present). */
  header: ByteRange;
  /** Body of this entity (for a multipart: everything after its header). */
  body: ByteRange;
  /** Lower-case media type and subtype, e.g. "text" and "plain". */
  type: string;
  subtype: string;
  /** Children of a multipart, in order (section numbers 1..n). */
  parts?: MimePart[];
  /** For message/rfc822: the encapsulated message's top-level entity. */
  message?: MimePart;
}

/** Decoded header values used for SEARCH, SORT and MailSort, and for listing in the web UI. */
export interface SearchHeaders {
  subject: string;
  from: string;
  to: string;
  cc: string;
  bcc: string;
  messageId: string;
  inReplyTo: string;
  references: string;
  /** The Date: header as milliseconds since the epoch, or null when missing or unparseable. */
  date: number | null;
}

/**
 * envelope, bodyStructure and body are sent as the UTF-8 bytes of the string
 * (Buffer.from(s, 'utf8')): literals inside them ({n}) count UTF-8 bytes.
 */
export interface MessageIndex {
  /** IMAP ENVELOPE, a parenthesised list ready to send (RFC 3501 7.4.2). */
  envelope: string;
  /** IMAP BODYSTRUCTURE with extension data, ready to send. */
  bodyStructure: string;
  /** IMAP BODY (BODYSTRUCTURE without extension data), ready to send. */
  body: string;
  /** The top-level entity and its section tree with byte ranges. */
  root: MimePart;
  headers: SearchHeaders;
}
