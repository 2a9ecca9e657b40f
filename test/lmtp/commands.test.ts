import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMailFrom, parseRcptTo, splitCommand } from '../../src/lmtp/commands.js';
import { formatReply } from '../../src/lmtp/replies.js';

describe('LMTP command lines', () => {
  test('splits the verb case-insensitively', () => {
    assert.deepEqual(splitCommand(Buffer.from('mail FROM:<a@b>')), { verb: 'MAIL', args: 'FROM:<a@b>' });
    assert.deepEqual(splitCommand(Buffer.from('QUIT')), { verb: 'QUIT', args: '' });
  });

  test('MAIL FROM with parameters', () => {
    assert.deepEqual(parseMailFrom('FROM:<a@b.example> SIZE=1234 BODY=8BITMIME SMTPUTF8'), {
      ok: true,
      value: { address: 'a@b.example', size: 1234, body: '8BITMIME', smtputf8: true },
    });
    assert.deepEqual(parseMailFrom('from: <>'), { ok: true, value: { address: '', size: null, body: null, smtputf8: false } });
    const route = parseMailFrom('FROM:<@relay.example,@r2.example:user@x.example>');
    assert.ok(route.ok && route.value.address === 'user@x.example');
    const utf8 = parseMailFrom('FROM:<jörg@bücher.example> SMTPUTF8');
    assert.ok(utf8.ok && utf8.value.address === 'jörg@bücher.example');
  });

  test('MAIL FROM errors', () => {
    assert.equal(parseMailFrom('FROM:a@b').ok, false);
    assert.equal(parseMailFrom('TO:<a@b>').ok, false);
    assert.equal(parseMailFrom('FROM:<a@b>SIZE=1').ok, false);
    const size = parseMailFrom('FROM:<a@b> SIZE=abc');
    assert.ok(!size.ok && size.code === 501);
    const unknown = parseMailFrom('FROM:<a@b> RET=FULL');
    assert.ok(!unknown.ok && unknown.code === 555 && unknown.enhanced === '5.5.4');
    const body = parseMailFrom('FROM:<a@b> BODY=BINARYMIME');
    assert.ok(!body.ok && body.code === 555);
    assert.equal(parseMailFrom('FROM:<a b@c>').ok, false);
  });

  test('RCPT TO', () => {
    assert.deepEqual(parseRcptTo('TO:<Alice@Example.com>'), { ok: true, value: { address: 'Alice@Example.com' } });
    assert.equal(parseRcptTo('TO:<>').ok, false);
    const param = parseRcptTo('TO:<a@b> NOTIFY=NEVER');
    assert.ok(!param.ok && param.code === 555);
  });

  test('reply formatting', () => {
    assert.equal(formatReply({ code: 250, enhanced: '2.1.0', text: 'Ok' }), '250 2.1.0 Ok\r\n');
    assert.equal(formatReply({ code: 250, text: ['host', 'PIPELINING', 'SIZE 10'] }), '250-host\r\n250-PIPELINING\r\n250 SIZE 10\r\n');
    assert.equal(formatReply({ code: 550, enhanced: '5.7.1', text: 'no\r\nway' }), '550 5.7.1 no way\r\n');
  });
});
