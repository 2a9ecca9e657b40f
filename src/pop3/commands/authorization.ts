/**
 * Commands of the AUTHORIZATION state: USER, PASS, APOP (RFC 1939 section 7), AUTH
 * (RFC 5034) and STLS (RFC 2595 section 4). Failed logins all answer the same -ERR [AUTH]
 * (RFC 3206) after the authenticator's delay, so nobody learns which user names exist.
 */
import type { CommandLine } from '../protocol/command-line.js';
import type { AuthorizationState } from '../session-state.js';
import { findMechanism, SASL_MECHANISMS } from './sasl.js';
import { defineCommand, noArgs, type ParsedArgs, type Pop3Command, type Pop3SessionApi } from './types.js';

const AUTHORIZATION = ['authorization'] as const;
const PLAINTEXT_REFUSED = 'Plaintext authentication is not allowed without TLS; use STLS first';

function restArgument(command: CommandLine, what: string): ParsedArgs<string> {
  const value = command.rest.trim();
  return value.length === 0 ? { ok: false, error: `${command.keyword} needs ${what}` } : { ok: true, value };
}

const user = defineCommand<AuthorizationState, string>({
  name: 'USER',
  states: AUTHORIZATION,
  parse: (command) => restArgument(command, 'a user name'),
  async handle(session, _state, name) {
    if (!session.plaintextAllowed()) {
      await session.err(PLAINTEXT_REFUSED, 'AUTH');
      return;
    }
    // Always +OK: answering -ERR here would tell who has no mailbox (RFC 1939 section 13).
    session.setPendingUser(name);
    await session.ok('Send your password');
  },
});

const pass = defineCommand<AuthorizationState, string>({
  name: 'PASS',
  states: AUTHORIZATION,
  redact: () => 'PASS ***',
  // The whole rest of the line: a password may contain spaces.
  parse: (command) => (command.rest.length === 0 ? { ok: false, error: 'PASS needs a password' } : { ok: true, value: command.rest }),
  async handle(session, state, password) {
    if (!session.plaintextAllowed()) {
      await session.err(PLAINTEXT_REFUSED, 'AUTH');
      return;
    }
    const name = state.pendingUser;
    if (name === null) {
      await session.err('Send USER first');
      return;
    }
    session.setPendingUser(null);
    const record = await session.ctx.auth.login(name, password, { ip: session.remoteAddress, protocol: 'pop3' });
    await session.completeLogin(record, 'PASS');
  },
});

const apop = defineCommand<AuthorizationState, { name: string; digest: string }>({
  name: 'APOP',
  states: AUTHORIZATION,
  redact: (command) => `APOP ${command.args[0] ?? ''} ***`,
  parse(command) {
    if (command.args.length !== 2) return { ok: false, error: 'APOP needs a user name and a digest' };
    const [name = '', digest = ''] = command.args;
    if (!/^[0-9a-fA-F]{32}$/.test(digest)) return { ok: false, error: 'APOP digest must be 32 hexadecimal digits' };
    return { ok: true, value: { name, digest: digest.toLowerCase() } };
  },
  async handle(session, _state, args) {
    session.setPendingUser(null);
    const record = await session.ctx.auth.loginApop(args.name, session.apopBanner, args.digest, {
      ip: session.remoteAddress,
      protocol: 'pop3',
    });
    await session.completeLogin(record, 'APOP');
  },
});

async function listMechanisms(session: Pop3SessionApi): Promise<void> {
  const names = session.plaintextAllowed() ? SASL_MECHANISMS.map((m) => m.name) : [];
  await session.multiLine('Supported SASL mechanisms follow', names);
}

const auth = defineCommand<AuthorizationState, { mechanism: string; initial: string | null } | null>({
  name: 'AUTH',
  states: AUTHORIZATION,
  // The mechanism stays visible; an initial response is a credential.
  redact: (command) => (command.args.length > 1 ? `AUTH ${command.args[0] ?? ''} ***` : `AUTH ${command.rest}`.trimEnd()),
  parse(command) {
    if (command.args.length === 0) return { ok: true, value: null };
    if (command.args.length > 2) return { ok: false, error: 'AUTH takes a mechanism and an optional initial response' };
    const [mechanism = '', initial] = command.args;
    return { ok: true, value: { mechanism, initial: initial === undefined ? null : initial === '=' ? '' : initial } };
  },
  async handle(session, _state, args) {
    // Bare "AUTH" lists the mechanisms (a pre-RFC 5034 convention some clients still use).
    if (args === null) return listMechanisms(session);
    const mechanism = findMechanism(args.mechanism);
    if (mechanism === undefined) {
      await session.err(`Unsupported authentication mechanism: ${args.mechanism.slice(0, 40)}`);
      return;
    }
    if (!session.plaintextAllowed()) {
      await session.err(PLAINTEXT_REFUSED, 'AUTH');
      return;
    }
    session.setPendingUser(null);
    const outcome = await mechanism.run(
      { challenge: (b64) => session.challenge(b64), response: () => session.readResponseLine() },
      args.initial,
    );
    switch (outcome.kind) {
      case 'closed':
        return;
      case 'cancelled':
        await session.err('Authentication cancelled');
        return;
      case 'malformed':
        await session.err(outcome.reason);
        return;
      case 'refused':
        await session.err(outcome.reason, 'AUTH');
        return;
      case 'credentials': {
        const record = await session.ctx.auth.login(outcome.address, outcome.password, {
          ip: session.remoteAddress,
          protocol: 'pop3',
        });
        await session.completeLogin(record, `AUTH ${mechanism.name}`);
        return;
      }
    }
  },
});

const stls = defineCommand<AuthorizationState, null>({
  name: 'STLS',
  states: AUTHORIZATION,
  parse: noArgs,
  async handle(session) {
    if (session.secure) {
      await session.err('Command not permitted when TLS active');
      return;
    }
    if (!session.canStartTls()) {
      await session.err('TLS is not available');
      return;
    }
    // RFC 2595: knowledge gained before TLS (a USER name) is discarded.
    session.setPendingUser(null);
    await session.startTls();
  },
});

export const AUTHORIZATION_COMMANDS: readonly Pop3Command[] = [user, pass, apop, auth, stls];
