/**
 * RFC 3501 conformance of the IMAP server as clients see it: a raw-socket Python session checks
 * the response grammar and multi-session behaviour byte for byte, and imapflow replays what
 * Thunderbird does when it starts (CAPABILITY, ID, NAMESPACE, LIST with special-use, STATUS of
 * each folder, SELECT INBOX, FETCH 1:* (UID FLAGS), UID FETCH of header fields, IDLE).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AdminService } from '../../src/admin/service.js';
import { runPython, startImap, type ImapHarness } from './imap-harness.js';

const USER = 'conf@example.com';
const OTHER = 'conf2@example.com';
const OUTSIDER = 'outsider@example.com';
const PASS = 'conformance-pass-1';
const SHARED = 'team@example.com';

describe('IMAP RFC 3501 conformance', () => {
  let h: ImapHarness;
  before(async () => {
    h = await startImap({ [USER]: PASS, [OTHER]: PASS, [OUTSIDER]: PASS }, { limits: { maxMessageBytes: 65536 } });
    await new AdminService(h.test.ctx.store).addShared({ address: SHARED, members: [USER, OTHER] });
  });
  after(async () => {
    await h.stop();
  });

  test('raw protocol checks (Python)', async () => {
    const r = await runPython('imap_conformance.py', [String(h.imapPort), USER, PASS, OTHER, PASS, SHARED, OUTSIDER, PASS]);
    assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('FAIL')), [], r.stdout + r.stderr);
    assert.match(r.stdout, /SUMMARY (\d+) passed 0 failed/, r.stdout + r.stderr);
    const passed = Number(/SUMMARY (\d+) passed/.exec(r.stdout)?.[1]);
    assert.ok(passed >= 80, `only ${passed} checks ran:\n${r.stdout}${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
  });
});
