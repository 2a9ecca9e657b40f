/**
 * The spool file format (documented in docs/delivery.md): an envelope of text lines, a blank
 * line, then the message bytes exactly as they are to be delivered.
 *
 *     MSGSTORE-SPOOL 1
 *     MAIL FROM:<sender@example.org>
 *     RCPT TO:<alice@example.com>
 *     RCPT TO:<bob@example.com>
 *     <blank line>
 *     <message>
 *
 * Envelope lines end with LF or CRLF. "MAIL FROM:<>" is the null sender. Writers create the
 * file under spool/tmp/ and rename it into spool/, so the agent never sees half a file.
 */
import { isDeliverableAddress } from './address.js';
import { DeliveryError } from './errors.js';

export const SPOOL_MAGIC = 'MSGSTORE-SPOOL 1';
/** The envelope (everything before the blank line) may not be longer than this. */
export const MAX_ENVELOPE_BYTES = 64 * 1024;

export interface SpoolEnvelope {
  /** "" for the null sender. */
  from: string;
  recipients: string[];
}

export interface SpoolFile {
  envelope: SpoolEnvelope;
  message: Buffer;
}

export function formatSpoolFile(envelope: SpoolEnvelope, message: Buffer): Buffer {
  for (const address of [envelope.from, ...envelope.recipients]) {
    if (/[\r\n<>]/.test(address)) throw new DeliveryError('LM_INVALID_MSGENV', `address ${JSON.stringify(address)} cannot be written to a spool file`);
  }
  const lines = [SPOOL_MAGIC, `MAIL FROM:<${envelope.from}>`, ...envelope.recipients.map((r) => `RCPT TO:<${r}>`), '', ''];
  return Buffer.concat([Buffer.from(lines.join('\n'), 'utf8'), message]);
}

function broken(why: string): DeliveryError {
  return new DeliveryError('LM_INVALID_MSGENV', undefined, { detail: why });
}

/** Finds the end of the envelope: the first empty line. Returns [envelope end, message start]. */
function envelopeEnd(file: Buffer): [number, number] | null {
  let lineStart = 0;
  while (lineStart < file.length && lineStart <= MAX_ENVELOPE_BYTES) {
    const lf = file.indexOf(0x0a, lineStart);
    if (lf < 0) return null;
    const lineLength = lf - lineStart - (lf > lineStart && file[lf - 1] === 0x0d ? 1 : 0);
    if (lineLength === 0) return [lineStart, lf + 1];
    lineStart = lf + 1;
  }
  return null;
}

function pathValue(line: string, keyword: string): string | null {
  if (line.slice(0, keyword.length).toUpperCase() !== keyword) return null;
  const rest = line.slice(keyword.length);
  if (!rest.startsWith('<') || !rest.endsWith('>')) return null;
  return rest.slice(1, -1);
}

/**
 * Parses a spool file. Throws DeliveryError: LM_MQ_MSGFILE_EMPTY (no bytes), LM_INVALID_MSGENV
 * (no or broken envelope), LM_INVALID_MSGBODY (an envelope but no message).
 */
export function parseSpoolFile(file: Buffer): SpoolFile {
  if (file.length === 0) throw new DeliveryError('LM_MQ_MSGFILE_EMPTY');
  const end = envelopeEnd(file);
  if (!end) throw broken(`no blank line ending the envelope within ${MAX_ENVELOPE_BYTES} bytes`);
  const lines = file
    .subarray(0, end[0])
    .toString('utf8')
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== SPOOL_MAGIC) throw broken(`first line must be "${SPOOL_MAGIC}"`);
  let from: string | null = null;
  const recipients: string[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const lineNo = i + 2;
    const sender = pathValue(line, 'MAIL FROM:');
    const rcpt = pathValue(line, 'RCPT TO:');
    if (sender !== null) {
      if (from !== null) throw broken(`line ${lineNo}: a second MAIL FROM`);
      if (sender !== '' && !isDeliverableAddress(sender)) throw broken(`line ${lineNo}: bad sender address`);
      from = sender;
    } else if (rcpt !== null) {
      if (!isDeliverableAddress(rcpt)) throw broken(`line ${lineNo}: bad recipient address`);
      recipients.push(rcpt);
    } else {
      throw broken(`line ${lineNo}: expected MAIL FROM:<address> or RCPT TO:<address>`);
    }
  }
  if (from === null) throw broken('no MAIL FROM line');
  if (recipients.length === 0) throw broken('no RCPT TO line');
  const message = file.subarray(end[1]);
  if (message.length === 0) throw new DeliveryError('LM_INVALID_MSGBODY', undefined, { detail: 'the envelope is followed by no message' });
  return { envelope: { from, recipients }, message };
}
