/**
 * IMAP ENVELOPE (RFC 3501 section 7.4.2) from a parsed header block.
 * Values are the raw header values (unfolded, RFC 2047 words left encoded, as the RFC wants);
 * absent fields are NIL; Sender and Reply-To default to From when absent or empty.
 */
import { parseAddressList, type AddressListEntry, type MailAddress } from './address.js';
import { headerBytesToString } from './encoded-words.js';
import { firstHeader, type HeaderMap } from './headers.js';
import { imapNString } from './imap-string.js';

function rawValue(headers: HeaderMap, name: string): string | null {
  const value = firstHeader(headers, name);
  return value === undefined ? null : headerBytesToString(value);
}

function addressString(a: MailAddress): string {
  return '(' + [imapNString(a.name), imapNString(a.route), imapNString(a.mailbox), imapNString(a.host)].join(' ') + ')';
}

/** An envelope address list, or NIL when empty. */
export function addressListString(list: AddressListEntry[]): string {
  let out = '';
  for (const entry of list) {
    if (entry.kind === 'group') {
      // RFC 3501: a group starts with (NIL NIL "name" NIL) and ends with (NIL NIL NIL NIL).
      out += '(NIL NIL ' + imapNString(entry.group) + ' NIL)';
      for (const m of entry.members) out += addressString(m);
      out += '(NIL NIL NIL NIL)';
    } else {
      out += addressString(entry);
    }
  }
  return out === '' ? 'NIL' : '(' + out + ')';
}

function addresses(headers: HeaderMap, name: string): AddressListEntry[] | null {
  const value = rawValue(headers, name);
  return value === null ? null : parseAddressList(value);
}

/** The ENVELOPE list for the given top-level (or encapsulated) header. */
export function buildEnvelope(headers: HeaderMap): string {
  const from = addresses(headers, 'from') ?? [];
  const sender = addresses(headers, 'sender');
  const replyTo = addresses(headers, 'reply-to');
  const fields = [
    imapNString(rawValue(headers, 'date')),
    imapNString(rawValue(headers, 'subject')),
    addressListString(from),
    addressListString(sender && sender.length > 0 ? sender : from),
    addressListString(replyTo && replyTo.length > 0 ? replyTo : from),
    addressListString(addresses(headers, 'to') ?? []),
    addressListString(addresses(headers, 'cc') ?? []),
    addressListString(addresses(headers, 'bcc') ?? []),
    imapNString(rawValue(headers, 'in-reply-to')),
    imapNString(rawValue(headers, 'message-id')),
  ];
  return '(' + fields.join(' ') + ')';
}
