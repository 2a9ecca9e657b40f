/**
 * Modified UTF-7 for mailbox names (RFC 3501 5.1.3). Names travel on the wire in this form and
 * are kept as Unicode in the store.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

function encodeUtf16Run(run: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const code = run.charCodeAt(i);
    bytes.push(code >> 8, code & 0xff);
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += B64[b0 >> 2];
    out += B64[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)];
    if (b1 !== undefined) out += B64[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)];
    if (b2 !== undefined) out += B64[b2 & 63];
  }
  return out;
}

/** Unicode name -> modified UTF-7. */
export function encodeMailboxName(name: string): string {
  let out = '';
  let run = '';
  const flush = (): void => {
    if (run.length > 0) out += `&${encodeUtf16Run(run)}-`;
    run = '';
  };
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += code === 0x26 ? '&-' : name[i];
    } else {
      run += name[i];
    }
  }
  flush();
  return out;
}

/** Modified UTF-7 -> Unicode name; null when the text is not valid modified UTF-7. */
export function decodeMailboxName(text: string): string | null {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return null;
    if (ch !== '&') {
      out += ch;
      i++;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end < 0) return null;
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      continue;
    }
    const run = decodeUtf16Run(text.slice(i + 1, end));
    if (run === null) return null;
    out += run;
    i = end + 1;
  }
  // Only the canonical encoding is accepted (no encoded printable ASCII, no split runs).
  return encodeMailboxName(out) === text ? out : null;
}

function decodeUtf16Run(b64: string): string | null {
  let bits = 0;
  let acc = 0;
  const bytes: number[] = [];
  for (const c of b64) {
    const v = B64.indexOf(c);
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0 || bytes.length % 2 !== 0 || bytes.length === 0) return null;
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  // Lone surrogates are not valid UTF-16.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(out)) return null;
  return out;
}
