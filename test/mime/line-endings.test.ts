import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexMessage, normalizeLineEndings } from '../../src/mime/index.js';

describe('normalizeLineEndings', () => {
  test('bare LF becomes CRLF, CRLF and bare CR stay', () => {
    const out = normalizeLineEndings(Buffer.from('a\nb\r\nc\rd\n\n'));
    assert.equal(out.toString('latin1'), 'a\r\nb\r\nc\rd\r\n\r\n');
    assert.equal(normalizeLineEndings(Buffer.from('\n')).toString(), '\r\n');
  });

  test('returns the same Buffer when there is nothing to change', () => {
    const crlf = Buffer.from('a\r\nb\r\n');
    assert.equal(normalizeLineEndings(crlf), crlf);
    const empty = Buffer.alloc(0);
    assert.equal(normalizeLineEndings(empty), empty);
  });

  test('a normalised message reports CRLF sizes that match its ranges', () => {
    const raw = normalizeLineEndings(Buffer.from('Subject: s\n\n1\n22\n333'));
    const index = indexMessage(raw);
    assert.equal(raw.length, 'Subject: s\r\n\r\n1\r\n22\r\n333'.length);
    assert.deepEqual(index.root.body, { start: 14, end: raw.length });
    assert.match(index.bodyStructure, / "7BIT" 10 3 /);
  });

  test('an unnormalised LF-only message still gives a sane structure', () => {
    const raw = Buffer.from('Subject: s\nContent-Type: text/plain\n\nbody\n');
    const index = indexMessage(raw);
    assert.equal(raw.toString('latin1', index.root.body.start, index.root.body.end), 'body\n');
    assert.match(index.envelope, /"s"/);
  });
});
