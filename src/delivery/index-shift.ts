/**
 * The message is parsed once; each recipient's copy has a few header lines prepended, which
 * moves every byte range by the prefix length. The top-level header still starts at 0 and now
 * also holds the prepended lines.
 */
import type { ByteRange, MessageIndex, MimePart } from '../mime/types.js';

function shiftRange(range: ByteRange, by: number): ByteRange {
  return { start: range.start + by, end: range.end + by };
}

function shiftPart(part: MimePart, by: number): MimePart {
  const shifted: MimePart = { ...part, header: shiftRange(part.header, by), body: shiftRange(part.body, by) };
  if (part.parts) shifted.parts = part.parts.map((p) => shiftPart(p, by));
  if (part.message) shifted.message = shiftPart(part.message, by);
  return shifted;
}

export function shiftIndex(index: MessageIndex, by: number): MessageIndex {
  if (by === 0) return index;
  const root = shiftPart(index.root, by);
  root.header = { start: index.root.header.start, end: index.root.header.end + by };
  return { ...index, root };
}
