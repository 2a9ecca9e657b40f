import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSpoolFile, parseSpoolFile } from '../../src/delivery/spool-format.js';
import { isDeliveryError, type LmErrorCode } from '../../src/delivery/errors.js';

function failsWith(text: string | Buffer, code: LmErrorCode): void {
  assert.throws(() => parseSpoolFile(Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1')), (err) => isDeliveryError(err, code));
}

describe('spool file format', () => {
  test('round trip keeps the message byte for byte', () => {
    const message = Buffer.from('Subject: x\r\n\r\n\x00binary\xff\r\n.\r\n', 'latin1');
    const file = formatSpoolFile({ from: 'a@b.example', recipients: ['c@d.example', 'E@F.example'] }, message);
    assert.ok(file.toString('latin1').startsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\nRCPT TO:<E@F.example>\n\n'));
    const parsed = parseSpoolFile(file);
    assert.deepEqual(parsed.envelope, { from: 'a@b.example', recipients: ['c@d.example', 'E@F.example'] });
    assert.ok(parsed.message.equals(message));
  });

  test('CRLF envelope lines and the null sender', () => {
    const parsed = parseSpoolFile(Buffer.from('MSGSTORE-SPOOL 1\r\nmail from:<>\r\nRCPT TO:<u@x.example>\r\n\r\nbody'));
    assert.deepEqual(parsed.envelope, { from: '', recipients: ['u@x.example'] });
    assert.equal(parsed.message.toString(), 'body');
  });

  test('errors carry the LM_* code', () => {
    failsWith('', 'LM_MQ_MSGFILE_EMPTY');
    failsWith('Subject: not a spool file\r\n\r\nhi', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nRCPT TO:<u@x.example>\n\nbody', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\n\nbody', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nRCPT TO:<nodomain>\n\nbody', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nMAIL FROM:<a@b.example>\nRCPT TO:<u@x.example>\n\nbody', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nRCPT TO:<u@x.example>\nX-Other: 1\n\nbody', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nRCPT TO:<u@x.example>', 'LM_INVALID_MSGENV');
    failsWith('MSGSTORE-SPOOL 1\nMAIL FROM:<a@b.example>\nRCPT TO:<u@x.example>\n\n', 'LM_INVALID_MSGBODY');
    failsWith(Buffer.concat([Buffer.from('MSGSTORE-SPOOL 1\n'), Buffer.alloc(100_000, 0x41)]), 'LM_INVALID_MSGENV');
  });

  test('addresses that would break the format are refused when writing', () => {
    assert.throws(() => formatSpoolFile({ from: 'a@b\n', recipients: ['u@x'] }, Buffer.from('x')), (err) => isDeliveryError(err, 'LM_INVALID_MSGENV'));
  });
});
