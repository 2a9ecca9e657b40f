/** Shared assertions: an index follows RFC 3501's grammar and its ranges agree with it. */
import assert from 'node:assert/strict';
import type { MessageIndex, MimePart } from '../../src/mime/index.js';
import { checkBody, checkBodyStructure, checkEnvelope, type BodyNode } from './imap-grammar.js';

/** Walks the section tree and the BODYSTRUCTURE tree together. */
function compare(node: BodyNode, part: MimePart, size: number, path: string): void {
  assert.ok(part.header.start <= part.header.end, `${path}: header range`);
  assert.equal(part.header.end, part.body.start, `${path}: body follows header`);
  assert.ok(part.body.start <= part.body.end && part.body.end <= size, `${path}: body range`);
  assert.equal(node.type, part.parts ? 'MULTIPART' : part.type.toUpperCase(), `${path}: type`);
  assert.equal(node.subtype, part.subtype.toUpperCase(), `${path}: subtype`);
  if (part.parts) {
    assert.equal(node.children?.length, part.parts.length, `${path}: child count`);
    part.parts.forEach((child, i) => {
      assert.ok(child.header.start >= part.body.start && child.body.end <= part.body.end, `${path}.${i + 1}: inside parent`);
      const prev = part.parts?.[i - 1];
      if (prev) assert.ok(child.header.start >= prev.body.end, `${path}.${i + 1}: after previous sibling`);
      compare(node.children?.[i] as BodyNode, child, size, `${path}.${i + 1}`);
    });
    return;
  }
  assert.equal(node.size, part.body.end - part.body.start, `${path}: body size`);
  if (part.message) {
    assert.ok(node.message, `${path}: encapsulated body`);
    assert.equal(part.message.header.start, part.body.start, `${path}: message starts the body`);
    assert.equal(part.message.body.end, part.body.end, `${path}: message ends with the body`);
    compare(node.message as BodyNode, part.message, size, `${path}.msg`);
  }
}

/** Checks envelope, BODY and BODYSTRUCTURE grammar and the agreement of sizes and ranges. */
export function assertValidIndex(index: MessageIndex, raw: Buffer): void {
  checkEnvelope(index.envelope);
  checkBody(index.body);
  const tree = checkBodyStructure(index.bodyStructure);
  assert.equal(index.root.header.start, 0);
  assert.equal(index.root.body.end, raw.length);
  compare(tree, index.root, raw.length, 'root');
}
