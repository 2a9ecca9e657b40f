/**
 * What the evaluator and the vacation rules see of a message: decoded header values by name
 * (every occurrence), the addresses of the address fields, and the size. Built lazily from the
 * header block, so a rule file that only looks at the subject decodes only the subject.
 */
import {
  addressOf,
  decodeHeaderValue,
  decodedName,
  flattenAddresses,
  headerBytesToString,
  headerMap,
  parseAddressList,
  parseHeaders,
  type HeaderMap,
} from '../mime/index.js';

export interface ViewAddress {
  /** Decoded display name, "" when there is none. */
  name: string;
  /** local@domain as written (or just the local part). */
  address: string;
}

export interface MessageView {
  /** Size of the message in bytes. */
  readonly size: number;
  /** Decoded, unfolded values of every occurrence of the field, in order; [] when absent. */
  header(name: string): readonly string[];
  /** Every mailbox named in every occurrence of the field (group members included). */
  addresses(name: string): readonly ViewAddress[];
  /** Whether any field with this name is present. */
  has(name: string): boolean;
  /** Lower-case names of all fields present. */
  names(): readonly string[];
}

class HeaderBlockView implements MessageView {
  private map: HeaderMap | null = null;
  private readonly decoded = new Map<string, string[]>();
  private readonly parsedAddresses = new Map<string, ViewAddress[]>();

  constructor(
    private readonly headerBytes: Buffer,
    readonly size: number,
  ) {}

  private fields(): HeaderMap {
    this.map ??= headerMap(parseHeaders(this.headerBytes));
    return this.map;
  }

  header(name: string): readonly string[] {
    const key = name.toLowerCase();
    let values = this.decoded.get(key);
    if (!values) {
      values = (this.fields().get(key) ?? []).map((v) => decodeHeaderValue(v));
      this.decoded.set(key, values);
    }
    return values;
  }

  addresses(name: string): readonly ViewAddress[] {
    const key = name.toLowerCase();
    let list = this.parsedAddresses.get(key);
    if (!list) {
      list = [];
      for (const raw of this.fields().get(key) ?? []) {
        for (const a of flattenAddresses(parseAddressList(headerBytesToString(raw)))) {
          const address = addressOf(a);
          if (address !== '') list.push({ name: decodedName(a), address });
        }
      }
      this.parsedAddresses.set(key, list);
    }
    return list;
  }

  has(name: string): boolean {
    return this.fields().has(name.toLowerCase());
  }

  names(): readonly string[] {
    return [...this.fields().keys()];
  }
}

/** A view of a message from its header block (the bytes up to and including the blank line). */
export function createMessageView(headerBytes: Buffer, size: number): MessageView {
  return new HeaderBlockView(headerBytes, size);
}

/** The header block of a raw message: everything up to the first empty line (or all of it). */
export function headerBlockOf(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return raw.subarray(0, crlf + 4);
  if (lf >= 0) return raw.subarray(0, lf + 2);
  return raw;
}
