/**
 * Strict base64 for SASL responses (RFC 5034 section 4): characters outside the alphabet and
 * padding anywhere but the end are errors, not skipped as Buffer.from(s, 'base64') would do.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}

export function encodeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
