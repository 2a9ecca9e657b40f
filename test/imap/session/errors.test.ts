import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MailError } from '../../../src/store/errors.js';
import { CommandError, completionFor, rethrowMapped } from '../../../src/imap/session/errors.js';
import { ImapSyntaxError } from '../../../src/imap/fetch/index.js';
import { BadCharsetError } from '../../../src/imap/search/index.js';

test('store error codes map to NO with response codes; internals never leak', () => {
  const reply = (err: unknown, options = {}) => {
    const c = completionFor(err, options);
    return `${c.status} [${c.code ?? ''}] ${c.text}`;
  };
  assert.equal(reply(new MailError('MS_MBX_REC_NOT_FOUND')), 'NO [NONEXISTENT] Mailbox does not exist');
  assert.equal(reply(new MailError('MS_MBX_REC_NOT_FOUND'), { tryCreate: true }), 'NO [TRYCREATE] Mailbox does not exist');
  assert.equal(reply(new MailError('MS_MBX_REC_NOT_FOUND'), { createTarget: true }), 'NO [NOPERM] Mailboxes cannot be created there');
  assert.equal(reply(new MailError('MS_MBX_REC_ALREADY_EXIST')), 'NO [ALREADYEXISTS] Mailbox already exists');
  assert.equal(reply(new MailError('MS_OVER_QUOTA')), 'NO [OVERQUOTA] Quota exceeded');
  assert.equal(reply(new MailError('MS_INVALID_NAME', 'Names may not contain ".."')), 'NO [CANNOT] Names may not contain ".."');
  assert.equal(reply(new MailError('MS_LOCKED_MBX_DB')), 'NO [INUSE] Mailbox is in use, try again later');
  const internal = completionFor(new MailError('MS_CANNOT_OPEN_MBX_DB', 'secret path /var/x', { detail: 'sql' }));
  assert.equal(internal.code, 'SERVERBUG');
  assert.equal(internal.internal, true);
  assert.doesNotMatch(internal.text, /secret|sql/);
  assert.equal(completionFor(new TypeError('boom')).code, 'SERVERBUG');
  assert.equal(reply(new ImapSyntaxError('bad item')), 'BAD [] bad item');
  assert.equal(reply(new BadCharsetError('KOI8')), 'NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset');
  assert.equal(reply(new CommandError('BAD', 'nope')), 'BAD [] nope');
  assert.throws(() => rethrowMapped(new MailError('MS_MBX_REC_NOT_FOUND'), { tryCreate: true }), (e: unknown) => e instanceof CommandError && e.code === 'TRYCREATE');
  assert.throws(() => rethrowMapped(new RangeError('x'), {}), RangeError);
});
