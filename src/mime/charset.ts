/**
 * Charset decoding to JavaScript strings (UTF-16) for searching and display.
 * Never throws: an unknown or broken charset falls back to UTF-8 when the bytes are valid
 * UTF-8, otherwise to windows-1252 (a superset of latin1 for printable text).
 */
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';

/** Charset names seen in real mail that iconv-lite does not know under that name. */
const ALIASES = new Map<string, string>([
  ['x-unknown', ''],
  ['unknown-8bit', ''],
  ['x-user-defined', ''],
  ['default', ''],
  ['iso-8859-8-i', 'iso-8859-8'],
  ['x-mac-roman', 'macintosh'],
  ['ansi_x3.4-1968', 'us-ascii'],
  ['ks_c_5601', 'cp949'],
  ['x-gbk', 'gbk'],
  ['x-sjis', 'shift_jis'],
  ['x-euc-jp', 'euc-jp'],
  ['cp-850', 'cp850'],
  ['utf8', 'utf-8'],
]);

/** Lower-case, unquoted charset name with an RFC 2231 language suffix removed. */
export function normalizeCharsetName(charset: string): string {
  let name = charset.trim().toLowerCase();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1);
  const star = name.indexOf('*');
  if (star !== -1) name = name.slice(0, star);
  return ALIASES.get(name) ?? name;
}

/** Bytes decoded as UTF-8 when valid, otherwise as windows-1252. */
export function decodeUnknown(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  return iconv.decode(bytes, 'windows-1252');
}

const ESC = 0x1b;

/**
 * ISO-2022-JP (RFC 1468, common in Japanese mail; iconv-lite lacks it): the JIS X 0208 and
 * JIS X 0201 katakana runs are mapped to EUC-JP byte pairs and decoded with iconv-lite.
 */
function decodeIso2022Jp(bytes: Buffer): string {
  type Mode = 'ascii' | 'jis0208' | 'kana';
  let mode: Mode = 'ascii';
  const euc: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === ESC && i + 2 < bytes.length) {
      const b1 = bytes[i + 1];
      const b2 = bytes[i + 2];
      if (b1 === 0x24 && (b2 === 0x42 || b2 === 0x40)) { mode = 'jis0208'; i += 2; continue; }
      if (b1 === 0x28 && (b2 === 0x42 || b2 === 0x4a)) { mode = 'ascii'; i += 2; continue; }
      if (b1 === 0x28 && b2 === 0x49) { mode = 'kana'; i += 2; continue; }
    }
    if (b === 0x0a || b === 0x0d) { mode = 'ascii'; euc.push(b); continue; }
    if (mode === 'jis0208' && b >= 0x21 && b <= 0x7e && i + 1 < bytes.length) {
      const next = bytes[i + 1] as number;
      euc.push(b | 0x80, next | 0x80);
      i++;
    } else if (mode === 'kana' && b >= 0x21 && b <= 0x5f) {
      euc.push(0x8e, b | 0x80);
    } else {
      euc.push(b);
    }
  }
  return iconv.decode(Buffer.from(euc), 'euc-jp');
}

/** bytes in the given charset as a string; never throws. */
export function decodeCharset(bytes: Buffer, charset: string): string {
  const name = normalizeCharsetName(charset);
  if (name === '' ) return decodeUnknown(bytes);
  if (name === 'us-ascii' || name === 'ascii' || name === 'utf-8') return decodeUnknown(bytes);
  // WHATWG practice: latin1 labels really mean windows-1252.
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'iso_8859-1') return iconv.decode(bytes, 'windows-1252');
  if (name === 'iso-2022-jp' || name === 'csiso2022jp') return decodeIso2022Jp(bytes);
  try {
    if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
  } catch {
    // fall through to the fallback
  }
  return decodeUnknown(bytes);
}
