/**
 * A client error in the arguments of a command (an unknown FETCH item, a bad section, a
 * malformed search key, ...). The session answers it with a tagged BAD and this message.
 */
export class ImapSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImapSyntaxError';
  }
}
