/**
 * Password hashing with scrypt (N=2^15, r=8, p=1), stored as
 * `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>`. Verification is constant-time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LEN = 32;
const LOG_N = 15;
const R = 8;
const P = 1;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, KEY_LEN, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N: 2 ** LOG_N, r: R, p: P });
  return `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logN, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const n = Number(logN);
  if (!Number.isInteger(n) || n < 10 || n > 20) return false;
  const expected = Buffer.from(hashB64, 'base64');
  if (expected.length !== KEY_LEN) return false;
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), { N: 2 ** n, r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expected);
}

/** A valid hash of a random password: verified against when the user does not exist, so timing does not tell. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
