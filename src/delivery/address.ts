/**
 * Envelope addresses as delivery sees them: compared case-insensitively, with an optional
 * "+detail" in the local part naming a folder (user+Lists@example.com).
 */

const MAX_ADDRESS_LENGTH = 320;

/** Lower-case, trimmed, without enclosing angle brackets. */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1).trim();
  return a.toLowerCase();
}

/**
 * A mailbox address we can deliver to: local@domain, printable, no spaces or controls.
 * (Quoted local parts are accepted as long as they carry no spaces.)
 */
export function isDeliverableAddress(address: string): boolean {
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return false;
  if (/[\s\x00-\x1f\x7f<>]/.test(address)) return false;
  const at = address.lastIndexOf('@');
  return at > 0 && at < address.length - 1;
}

export interface AddressDetail {
  /** The address without its detail, lower-case: "user@example.com". */
  base: string;
  /** The detail as given (case kept, since folder names are case-sensitive), or null. */
  detail: string | null;
}

/** "User+Lists/Rust@Example.com" -> { base: "user@example.com", detail: "Lists/Rust" }. */
export function splitDetail(address: string): AddressDetail {
  const trimmed = address.trim().replace(/^<(.*)>$/, '$1');
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return { base: trimmed.toLowerCase(), detail: null };
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus <= 0 || plus === local.length - 1) return { base: trimmed.toLowerCase(), detail: null };
  return { base: `${local.slice(0, plus)}@${domain}`.toLowerCase(), detail: local.slice(plus + 1) };
}
