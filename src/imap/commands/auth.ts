/**
 * STARTTLS, LOGIN and AUTHENTICATE PLAIN (with SASL-IR, RFC 4959). Before TLS, plaintext
 * credentials are refused unless the client is on loopback or the configuration allows them.
 * Every failure looks the same ([AUTHENTICATIONFAILED]) and is answered after the throttling
 * delay of the authenticator.
 */
import { decodeSaslPlain } from '../../auth/sasl.js';
import type { UserRecord } from '../../store/types.js';
import type { ImapValue } from '../protocol/types.js';
import { bad, no, type Completion } from '../session/errors.js';
import type { CompletionWithAfter, ImapSession } from '../session/session.js';
import { NOT_AUTHENTICATED } from '../session/state.js';
import { astring, atomText, expectCount } from './args.js';
import { defineCommand } from './types.js';

export const startTls = defineCommand({
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  allowsExpunge: true,
  parse: (args: readonly ImapValue[]) => expectCount(args, 0, 0, 'STARTTLS'),
  async handle(session): Promise<CompletionWithAfter> {
    if (!session.canStartTls()) throw bad(session.secure ? 'TLS is already active' : 'STARTTLS is not available');
    return { status: 'OK', text: 'Begin TLS negotiation now', after: () => session.startTls() };
  },
});

function refuseWithoutTls(session: ImapSession): void {
  if (!session.plaintextAllowed()) throw no('Plaintext authentication is disabled; use STARTTLS first', 'PRIVACYREQUIRED');
}

async function completeLogin(session: ImapSession, user: UserRecord | null): Promise<Completion> {
  if (!user) return { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Authentication failed' };
  if (!session.authenticated(user)) return { status: 'NO', code: 'LIMIT', text: 'Too many connections for this user' };
  return { status: 'OK', code: `CAPABILITY ${session.capabilities().join(' ')}`, text: 'Logged in' };
}

export const login = defineCommand({
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  allowsExpunge: true,
  parse(args) {
    expectCount(args, 2, 2, 'LOGIN user password');
    return { user: astring(args[0], 'a user name'), password: astring(args[1], 'a password') };
  },
  async handle(session, { user, password }) {
    refuseWithoutTls(session);
    const record = await session.ctx.auth.login(user, password, { ip: session.remoteAddress, protocol: 'imap' });
    return completeLogin(session, record);
  },
});

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  allowsExpunge: true,
  parse(args) {
    expectCount(args, 1, 2, 'AUTHENTICATE mechanism [initial-response]');
    const mechanism = atomText(args[0], 'a SASL mechanism').toUpperCase();
    const initial = args[1] === undefined ? null : astring(args[1], 'an initial response');
    return { mechanism, initial };
  },
  async handle(session, { mechanism, initial }) {
    if (mechanism !== 'PLAIN') throw no(`Unsupported authentication mechanism ${mechanism}`, 'CANNOT');
    refuseWithoutTls(session);
    let response = initial;
    if (response === null) {
      await session.send(Buffer.from('+ \r\n', 'latin1'));
      const line = await session.readLine();
      if (line === null) throw bad('Authentication answer missing or too long');
      response = line.toString('latin1');
    }
    if (response === '*') throw bad('Authentication cancelled');
    // "=" is an empty initial response (RFC 4959).
    const credentials = response === '=' ? null : decodeSaslPlain(response);
    if (!credentials) throw bad('Invalid SASL PLAIN response');
    if (credentials.authzid && credentials.authzid.toLowerCase() !== credentials.authcid.toLowerCase()) {
      return { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'Authorization identity not allowed' };
    }
    const record = await session.ctx.auth.login(credentials.authcid, credentials.password, { ip: session.remoteAddress, protocol: 'imap' });
    return completeLogin(session, record);
  },
});
