/** Client address checks shared by the protocol listeners. */
import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.x.x). */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/**
 * Plaintext credentials (LOGIN, USER/PASS, AUTH PLAIN) are accepted over TLS, from loopback, or
 * anywhere when the configuration says so.
 */
export function plaintextAuthAllowed(options: { allowPlaintextAuth: boolean }, remoteAddress: string | undefined, secure: boolean): boolean {
  return secure || options.allowPlaintextAuth || isLoopbackAddress(remoteAddress);
}
