/**
 * Content-Transfer-Encoding decoding (RFC 2045 section 6): base64 and quoted-printable.
 * Lenient: invalid characters in base64 are skipped, a "=" not followed by two hex digits in
 * quoted-printable is kept as it is. Unknown encodings (7bit, 8bit, binary, x-...) pass through.
 */

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Quoted-printable decoding; soft line breaks removed, trailing line whitespace dropped. */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i] as number;
    if (c === 0x3d) {
      // "=" then CRLF / LF (possibly after trailing whitespace): soft line break.
      let j = i + 1;
      while (j < n && (input[j] === 0x20 || input[j] === 0x09)) j++;
      if (j < n && input[j] === 0x0d && input[j + 1] === 0x0a) { i = j + 2; continue; }
      if (j < n && input[j] === 0x0a) { i = j + 1; continue; }
      if (j >= n) { i = n; continue; }
      const h = i + 2 < n ? hexValue(input[i + 1] as number) : -1;
      const l = i + 2 < n ? hexValue(input[i + 2] as number) : -1;
      if (h >= 0 && l >= 0) { out[o++] = (h << 4) | l; i += 3; continue; }
      out[o++] = c;
      i++;
      continue;
    }
    if (c === 0x20 || c === 0x09) {
      // Whitespace at the end of a line was added in transport: drop it.
      let j = i;
      while (j < n && (input[j] === 0x20 || input[j] === 0x09)) j++;
      if (j >= n || input[j] === 0x0d || input[j] === 0x0a) { i = j; continue; }
      while (i < j) out[o++] = input[i++] as number;
      continue;
    }
    out[o++] = c;
    i++;
  }
  return out.subarray(0, o);
}

/** Base64 decoding that ignores anything outside the alphabet. */
export function decodeBase64(input: Buffer): Buffer {
  return Buffer.from(input.toString('latin1'), 'base64');
}

/** body decoded according to its Content-Transfer-Encoding value. */
export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  const enc = encoding.trim().toLowerCase();
  if (enc === 'base64') return decodeBase64(body);
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}
