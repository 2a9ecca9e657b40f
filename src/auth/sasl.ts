/** SASL PLAIN (RFC 4616) message decoding, shared by IMAP AUTHENTICATE, POP3 AUTH and the web. */

export interface SaslPlainCredentials {
  authzid: string;
  authcid: string;
  password: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeSaslPlain(base64: string): SaslPlainCredentials | null {
  const text = base64.trim();
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const raw = Buffer.from(text, 'base64');
  const first = raw.indexOf(0);
  const second = first < 0 ? -1 : raw.indexOf(0, first + 1);
  if (first < 0 || second < 0 || raw.indexOf(0, second + 1) >= 0) return null;
  const authcid = raw.subarray(first + 1, second).toString('utf8');
  const password = raw.subarray(second + 1).toString('utf8');
  if (!authcid || !password) return null;
  return { authzid: raw.subarray(0, first).toString('utf8'), authcid, password };
}
