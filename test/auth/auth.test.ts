import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/auth/passwords.js';
import { decodeSaslPlain } from '../../src/auth/sasl.js';
import { LoginThrottle } from '../../src/auth/throttle.js';
import { configSchema } from '../../src/config/schema.js';

const authSettings = configSchema.parse({}).auth;

describe('passwords', () => {
  test('hash then verify; a wrong password fails; the hash never contains the password', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$15\$8\$1\$/);
    assert.ok(!hash.includes('correct horse'));
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsf', hash), false);
    assert.notEqual(await hashPassword('correct horse'), hash, 'salted');
  });

  test('malformed stored hashes verify as false without throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$99$8$1$AAAA$BBBB', 'scrypt$15$8$1$AAAA$short']) {
      assert.equal(await verifyPassword('x', stored), false);
    }
  });
});

describe('SASL PLAIN', () => {
  const encode = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  test('decodes authzid, authcid and password', () => {
    assert.deepEqual(decodeSaslPlain(encode('\0alice@example.com\0pässword')), { authzid: '', authcid: 'alice@example.com', password: 'pässword' });
    assert.deepEqual(decodeSaslPlain(encode('admin\0alice\0pw')), { authzid: 'admin', authcid: 'alice', password: 'pw' });
  });
  test('refuses malformed messages', () => {
    for (const bad of ['', '!!!!', encode('alice\0pw'), encode('\0\0pw'), encode('\0alice\0'), encode('a\0b\0c\0d'), 'YWxp']) {
      assert.equal(decodeSaslPlain(bad), null, bad);
    }
  });
});

describe('login throttle', () => {
  test('delays grow per IP after the free failures, and another IP is not slowed', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ ...authSettings, blockAfterFailures: 100 }, () => now);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) delays.push(throttle.recordFailure('192.0.2.1', `user${i}@example.com`));
    assert.ok(delays[7]! > delays[0]!, `delays grow: ${delays.join(',')}`);
    assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!));
    assert.ok(delays.every((d) => d <= authSettings.maxDelayMs));
    assert.equal(throttle.recordFailure('198.51.100.7', 'someone@example.com'), delays[0]);
    now += 1;
  });

  test('too many failures block the IP (and the user name) for a while, then it expires', () => {
    let now = 5_000_000;
    const throttle = new LoginThrottle({ ...authSettings, blockAfterFailures: 5, blockSeconds: 60 }, () => now);
    for (let i = 0; i < 5; i++) throttle.recordFailure('192.0.2.9', 'victim@example.com');
    assert.equal(throttle.isBlocked('192.0.2.9', 'other@example.com'), true);
    assert.equal(throttle.isBlocked('203.0.113.1', 'victim@example.com'), false, 'the real user from a clean address is not locked out');
    throttle.recordFailure('203.0.113.1', 'someone@example.com');
    assert.equal(throttle.isBlocked('203.0.113.1', 'victim@example.com'), true, 'an address that is guessing too meets the user block');
    assert.equal(throttle.isBlocked('203.0.113.1', 'other@example.com'), false);
    now += 61_000;
    assert.equal(throttle.isBlocked('192.0.2.9', 'victim@example.com'), false);
  });

  test('a success clears the record', () => {
    const throttle = new LoginThrottle(authSettings);
    for (let i = 0; i < 6; i++) throttle.recordFailure('192.0.2.3', 'a@example.com');
    throttle.recordSuccess('192.0.2.3', 'a@example.com');
    assert.equal(throttle.recordFailure('192.0.2.3', 'a@example.com'), throttle.delayFor(1));
  });
});
