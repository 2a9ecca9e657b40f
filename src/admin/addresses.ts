/** Mail address checks for users and shared mailboxes (the login name is the address). */
import { MailError } from '../store/errors.js';

// local@domain: dot-atom local part (RFC 5322 atext) and a domain of LDH labels.
const LOCAL = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Returns the address in lower case, or throws MS_INVALID_ARGUMENT saying what is wrong. */
export function normalizeAddress(input: string): string {
  const address = input.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw invalid(input, 'an address looks like name@example.com');
  if (address.length > 254) throw invalid(input, 'an address has at most 254 characters');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local)) throw invalid(input, 'the part before @ has characters an address may not use');
  if (!domain.split('.').every((label) => LABEL.test(label))) throw invalid(input, 'the domain is not a valid host name');
  return address;
}

function invalid(input: string, why: string): MailError {
  return new MailError('MS_INVALID_ARGUMENT', `"${input}" is not a valid mail address: ${why}`);
}
