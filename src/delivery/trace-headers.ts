/**
 * The trace fields delivery prepends to each recipient's copy: Return-Path (RFC 5321 4.4, the
 * envelope sender at final delivery) and Delivered-To (the recipient; forwarding loop checks
 * look for it).
 */

function headerSafe(value: string): string {
  // Envelope addresses are validated before this, but a header must never be split by one.
  return value.replace(/[\r\n\x00]/g, '');
}

export function returnPathHeader(envelopeFrom: string): string {
  return `Return-Path: <${headerSafe(envelopeFrom)}>\r\n`;
}

export function deliveredToHeader(recipient: string): string {
  return `Delivered-To: ${headerSafe(recipient)}\r\n`;
}

/** The bytes stored for one recipient: Return-Path, Delivered-To, then the message. */
export function withTraceHeaders(message: Buffer, envelopeFrom: string, recipient: string): { bytes: Buffer; prefixLength: number } {
  const prefix = Buffer.from(returnPathHeader(envelopeFrom) + deliveredToHeader(recipient), 'utf8');
  return { bytes: Buffer.concat([prefix, message]), prefixLength: prefix.length };
}

/** A forwarded copy keeps the message unchanged except for our Delivered-To, so a loop is seen. */
export function forwardedCopy(message: Buffer, recipient: string): Buffer {
  return Buffer.concat([Buffer.from(deliveredToHeader(recipient), 'utf8'), message]);
}
