/**
 * A compact form of the MimePart tree for sending between threads: one Float64Array
 * (transferable, so it moves without a copy) and one string of type names. Rebuilding 10,000
 * parts from it takes a few milliseconds, where structured cloning of the object graph costs
 * the receiving event loop far more.
 *
 * Layout, per part in pre-order: header.start, header.end, body.start, body.end, kind
 * (0 leaf, 1 multipart, 2 message), child count, type name index, subtype name index.
 */
import type { MimePart } from './types.js';

const FIELDS = 8;

export interface EncodedPartTree {
  numbers: Float64Array;
  /** Distinct type and subtype names joined by "\n" (names never contain a newline). */
  names: string;
}

function countParts(root: MimePart): number {
  let count = 0;
  const stack: MimePart[] = [root];
  while (stack.length > 0) {
    const part = stack.pop() as MimePart;
    count++;
    if (part.parts) stack.push(...part.parts);
    if (part.message) stack.push(part.message);
  }
  return count;
}

export function encodePartTree(root: MimePart): EncodedPartTree {
  const numbers = new Float64Array(countParts(root) * FIELDS);
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const indexOf = (name: string): number => {
    let i = nameIndex.get(name);
    if (i === undefined) {
      i = names.length;
      names.push(name);
      nameIndex.set(name, i);
    }
    return i;
  };
  let at = 0;
  const stack: MimePart[] = [root];
  while (stack.length > 0) {
    const part = stack.pop() as MimePart;
    const children = part.parts ?? (part.message ? [part.message] : []);
    numbers.set([
      part.header.start, part.header.end, part.body.start, part.body.end,
      part.parts ? 1 : part.message ? 2 : 0, children.length, indexOf(part.type), indexOf(part.subtype),
    ], at);
    at += FIELDS;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as MimePart);
  }
  return { numbers, names: names.join('\n') };
}

export function decodePartTree(encoded: EncodedPartTree): MimePart {
  const { numbers } = encoded;
  const names = encoded.names.split('\n');
  let at = 0;
  // Recursion depth is bounded by the parser's MAX_DEPTH.
  const read = (): MimePart => {
    const f = numbers.subarray(at, at + FIELDS);
    at += FIELDS;
    const part: MimePart = {
      header: { start: f[0] as number, end: f[1] as number },
      body: { start: f[2] as number, end: f[3] as number },
      type: names[f[6] as number] ?? '',
      subtype: names[f[7] as number] ?? '',
    };
    const kind = f[4] as number;
    const count = f[5] as number;
    if (kind === 1) {
      const parts: MimePart[] = [];
      for (let i = 0; i < count; i++) parts.push(read());
      part.parts = parts;
    } else if (kind === 2) {
      part.message = read();
    }
    return part;
  };
  return read();
}
