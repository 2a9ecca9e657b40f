/**
 * SASL mechanisms for AUTH (RFC 5034): PLAIN (RFC 4616) and LOGIN. Both carry a plaintext
 * password, so they are offered only where plaintext authentication is allowed. Each returns
 * the credentials to check, or why the exchange ended without them.
 */
import { decodeSaslPlain } from '../../auth/sasl.js';
import { decodeBase64Strict } from '../protocol/base64.js';

export type SaslOutcome =
  | { kind: 'credentials'; address: string; password: string }
  | { kind: 'cancelled' }
  | { kind: 'malformed'; reason: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'closed' };

/** How a mechanism talks to the client during the exchange. */
export interface SaslChannel {
  challenge(base64: string): Promise<void>;
  /** The client's next response line; null when the connection closed. */
  response(): Promise<string | null>;
}

export interface SaslMechanism {
  readonly name: string;
  /** initial: the initial-response argument, already "=" -> "" (null when absent). */
  run(channel: SaslChannel, initial: string | null): Promise<SaslOutcome>;
}

/** Reads one response (or uses the initial one) and checks it is "*" or strict base64. */
async function nextResponse(channel: SaslChannel, challenge: string, initial: string | null): Promise<Buffer | SaslOutcome> {
  let line = initial;
  if (line === null) {
    await channel.challenge(challenge);
    line = await channel.response();
    if (line === null) return { kind: 'closed' };
    if (line.trim() === '*') return { kind: 'cancelled' };
  }
  const decoded = decodeBase64Strict(line.trim());
  return decoded ?? { kind: 'malformed', reason: 'Invalid base64 in SASL response' };
}

const plain: SaslMechanism = {
  name: 'PLAIN',
  async run(channel, initial) {
    const response = await nextResponse(channel, '', initial);
    if (!Buffer.isBuffer(response)) return response;
    const credentials = decodeSaslPlain(response.toString('base64'));
    if (credentials === null) return { kind: 'malformed', reason: 'Invalid SASL PLAIN message' };
    // No proxy authorization: the authorization identity, when given, must be the login itself.
    if (credentials.authzid !== '' && credentials.authzid.toLowerCase() !== credentials.authcid.toLowerCase()) {
      return { kind: 'refused', reason: 'Authorization identity must be empty or equal the authentication identity' };
    }
    return { kind: 'credentials', address: credentials.authcid, password: credentials.password };
  },
};

const login: SaslMechanism = {
  name: 'LOGIN',
  async run(channel, initial) {
    const user = await nextResponse(channel, Buffer.from('Username:').toString('base64'), initial);
    if (!Buffer.isBuffer(user)) return user;
    const password = await nextResponse(channel, Buffer.from('Password:').toString('base64'), null);
    if (!Buffer.isBuffer(password)) return password;
    return { kind: 'credentials', address: user.toString('utf8'), password: password.toString('utf8') };
  },
};

export const SASL_MECHANISMS: readonly SaslMechanism[] = [plain, login];

export function findMechanism(name: string): SaslMechanism | undefined {
  const upper = name.toUpperCase();
  return SASL_MECHANISMS.find((m) => m.name === upper);
}
