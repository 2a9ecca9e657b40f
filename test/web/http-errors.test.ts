import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FilterSyntaxError } from '../../src/mailsort/errors.js';
import { MailError } from '../../src/store/errors.js';
import { errorBody, statusForMailCode, toApiError } from '../../src/web/http-errors.js';

describe('HTTP error mapping', () => {
  test('store codes map to the right statuses', () => {
    assert.equal(statusForMailCode('MS_USER_REC_ALREADY_EXIST'), 409);
    assert.equal(statusForMailCode('MS_SHARED_REC_ALREADY_EXIST'), 409);
    assert.equal(statusForMailCode('MS_USER_REC_NOT_FOUND'), 404);
    assert.equal(statusForMailCode('MS_NO_FILTERFILE'), 404);
    assert.equal(statusForMailCode('MS_INVALID_ARGUMENT'), 400);
    assert.equal(statusForMailCode('MS_PERMISSION_DENIED'), 403);
    assert.equal(statusForMailCode('MS_OVER_QUOTA'), 507);
    assert.equal(statusForMailCode('MS_LOCKED_USER_DB'), 503);
    assert.equal(statusForMailCode('MS_CANNOT_ADD_USER_REC'), 500);
  });

  test('a full disk is 507 with a message a person understands', () => {
    const enospc = Object.assign(new Error('write failed'), { code: 'ENOSPC' });
    const direct = toApiError(enospc);
    assert.equal(direct.status, 507);
    assert.equal(direct.code, 'OUT_OF_DISK_SPACE');
    assert.match(direct.message, /out of disk space/);
    const wrapped = toApiError(new MailError('MS_CANNOT_CREATE_MSGFILE', undefined, { cause: enospc }));
    assert.equal(wrapped.status, 507);
  });

  test('unknown failures say nothing internal', () => {
    const err = toApiError(new Error('SQLITE_CORRUPT at /secret/path'));
    assert.equal(err.status, 500);
    assert.equal(err.code, 'INTERNAL');
    assert.ok(!err.message.includes('/secret/path'));
  });

  test('filter syntax errors carry their line:column', () => {
    const err = toApiError(new FilterSyntaxError([{ line: 3, column: 7, message: 'expected "end"' }]));
    assert.equal(err.status, 400);
    assert.equal(err.code, 'FILTER_SYNTAX');
    assert.deepEqual(errorBody(err).error.details, [{ line: 3, column: 7, message: 'expected "end"' }]);
  });
});

describe('store rule refusals', () => {
  test('a "cannot update" refused by a rule is 409, the same code from a failure is 500', () => {
    const rule = toApiError(new MailError('MS_CANNOT_UPDATE_SHARED_REC', 'a shared mailbox must keep at least one member'));
    assert.equal(rule.status, 409);
    assert.match(rule.message, /at least one member/);
    const failure = toApiError(new MailError('MS_CANNOT_UPDATE_SHARED_REC', undefined, { cause: new Error('SQLITE_IOERR') }));
    assert.equal(failure.status, 500);
  });
});
