import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexMessage } from '../../src/mime/index.js';
import * as corpus from './corpus.js';
import { assertValidIndex } from './structure-check.js';
import { checkBodyStructure, GrammarError } from './imap-grammar.js';

const messages: corpus.CorpusMessage[] = [
  corpus.simpleText, corpus.mixedWithAttachment, corpus.forwarded, corpus.eightBitHeaders, corpus.signed,
  corpus.relatedAndCalendar, ...corpus.broken,
];

describe('ENVELOPE, BODY and BODYSTRUCTURE of the corpus', () => {
  for (const m of messages) {
    test(m.name, () => {
      const index = indexMessage(m.raw);
      if (m.envelope !== undefined) assert.equal(index.envelope, m.envelope);
      if (m.bodyStructure !== undefined) assert.equal(index.bodyStructure, m.bodyStructure);
      if (m.body !== undefined) assert.equal(index.body, m.body);
      assertValidIndex(index, m.raw);
    });
  }
});

describe('the grammar checker itself', () => {
  test('rejects what RFC 3501 does not allow', () => {
    const bad = [
      '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 NIL NIL NIL NIL)', // text without lines
      '( "MIXED" NIL NIL NIL NIL)', // multipart without parts
      '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL', // unbalanced
      '("TEXT" "PLAIN" ("A") NIL NIL "7BIT" 3 1 NIL NIL NIL NIL)', // odd parameter list
      '("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL)x', // trailing bytes
      '("TEXT" "PL\u00e9IN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL)', // 8-bit in a quoted string
      '("TEXT" {2}\r\nPLAIN NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL)', // wrong literal length
      '(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL) "MIXED" NIL NIL NIL NIL)', // space between parts
    ];
    for (const text of bad) assert.throws(() => checkBodyStructure(text), GrammarError, text);
    assert.doesNotThrow(() => checkBodyStructure('("TEXT" {5}\r\nPLAIN NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL)'));
  });
});

describe('search headers', () => {
  test('decoded subject, addresses and date', () => {
    const index = indexMessage(corpus.forwarded.raw);
    assert.equal(index.headers.subject, 'Fwd: Grüße');
    assert.equal(index.headers.from, 'fwd@example.net');
    assert.equal(index.headers.date, null);
    const simple = indexMessage(corpus.simpleText.raw);
    assert.equal(simple.headers.date, Date.UTC(1994, 1, 8, 5, 52, 25));
    assert.equal(simple.headers.messageId, '<m1@example.com>');
    assert.equal(simple.headers.to, 'bob@example.org');
    const related = indexMessage(corpus.relatedAndCalendar.raw);
    assert.equal(related.headers.subject, 'Réunion');
    assert.equal(related.headers.from, 'Élodie <elodie@example.fr>');
    assert.equal(related.headers.date, Date.UTC(2024, 2, 21, 8, 30, 0));
    const signed = indexMessage(corpus.signed.raw);
    assert.equal(signed.headers.references, '<r1@example.com> <r2@example.com>');
  });
});
