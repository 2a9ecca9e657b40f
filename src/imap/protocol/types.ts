/**
 * The parsed form of an IMAP command, shared by the command parser (which produces it) and the
 * command handlers, FETCH item parser and SEARCH key parser (which consume it).
 */

/** One syntactic element of a command's arguments. */
export type ImapValue =
  | ImapAtom
  | { type: 'string'; value: Buffer; literal: boolean }
  | { type: 'list'; items: ImapValue[] }
  | { type: 'nil' };

/**
 * An atom. FETCH attributes with a section keep it parsed:
 * `BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.100>` is
 * `{ value: 'BODY.PEEK', section: [atom '1.2.HEADER.FIELDS', list [From, To]], partial: { offset: 0, length: 100 } }`,
 * and `BODY[]` has `section: []`. Sequence sets such as `1:*,4` are plain atoms.
 */
export interface ImapAtom {
  type: 'atom';
  value: string;
  section?: ImapValue[];
  partial?: { offset: number; length: number };
}

export interface ImapCommand {
  tag: string;
  /** Upper-case command name; for `UID FETCH ...` this is 'FETCH' with uid: true. */
  name: string;
  uid: boolean;
  args: ImapValue[];
}
