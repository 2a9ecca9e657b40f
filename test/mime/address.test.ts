import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, decodedName, flattenAddresses, parseAddressList, type MailAddress } from '../../src/mime/index.js';

function addr(name: string | null, mailbox: string, host: string, route: string | null = null): MailAddress {
  return { kind: 'address', name, route, mailbox, host };
}

describe('parseAddressList', () => {
  test('RFC 5322 appendix A examples', () => {
    assert.deepEqual(parseAddressList('"Joe Q. Public" <john.q.public@example.com>'), [addr('Joe Q. Public', 'john.q.public', 'example.com')]);
    assert.deepEqual(parseAddressList('Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>'), [
      addr('Mary Smith', 'mary', 'x.test'), addr(null, 'jdoe', 'example.org'), addr('Who?', 'one', 'y.test'),
    ]);
    assert.deepEqual(parseAddressList('<boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>'), [
      addr(null, 'boss', 'nil.test'), addr('Giant; "Big" Box', 'sysservices', 'example.net'),
    ]);
    assert.deepEqual(parseAddressList('A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;'), [{
      kind: 'group', group: 'A Group',
      members: [addr('Ed Jones', 'c', 'a.test'), addr(null, 'joe', 'where.test'), addr('John', 'jdoe', 'one.test')],
    }]);
    assert.deepEqual(parseAddressList('Undisclosed recipients:;'), [{ kind: 'group', group: 'Undisclosed recipients', members: [] }]);
  });

  test('obsolete forms: comments, routes, spaces around dots, empty elements', () => {
    assert.deepEqual(parseAddressList('Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>'), [addr('Pete', 'pete', 'silly.test')]);
    assert.deepEqual(parseAddressList('<@relay1.test,@relay2.test:user@dest.test>'), [addr(null, 'user', 'dest.test', '@relay1.test,@relay2.test')]);
    assert.deepEqual(parseAddressList('john . q . public @ example . com'), [addr(null, 'john.q.public', 'example.com')]);
    assert.deepEqual(parseAddressList(',, a@b.c ,,'), [addr(null, 'a', 'b.c')]);
    assert.deepEqual(parseAddressList('user@host (Real Name)'), [addr('Real Name', 'user', 'host')]);
  });

  test('broken input still gives addresses', () => {
    assert.deepEqual(parseAddressList('Name <missing@close.test'), [addr('Name', 'missing', 'close.test')]);
    assert.deepEqual(parseAddressList('a@b.c <a@b.c>'), [addr('a@b.c', 'a', 'b.c')]);
    assert.deepEqual(parseAddressList('localonly'), [addr(null, 'localonly', '')]);
    assert.deepEqual(parseAddressList('"quoted local"@x.test'), [addr(null, '"quoted local"', 'x.test')]);
    assert.deepEqual(parseAddressList('Group: a@b.c'), [{ kind: 'group', group: 'Group', members: [addr(null, 'a', 'b.c')] }]);
    assert.deepEqual(parseAddressList(''), []);
    // An unterminated quoted string runs to the end of the value: one (odd) address, no throw.
    assert.deepEqual(parseAddressList('"unterminated <x@y.z>'), [addr(null, '"unterminated <x@y.z>"', '')]);
  });

  test('names keep encoded words; decodedName decodes them; flatten and addressOf', () => {
    const list = parseAddressList('=?utf-8?q?J=C3=B6rg?= <j@x.test>, G: "=?iso-8859-1?q?Ren=E9?=" <r@y.test>;');
    const flat = flattenAddresses(list);
    assert.equal(flat.length, 2);
    assert.equal(flat[0]?.name, '=?utf-8?q?J=C3=B6rg?=');
    assert.equal(decodedName(flat[0] as MailAddress), 'Jörg');
    assert.equal(decodedName(flat[1] as MailAddress), 'René');
    assert.deepEqual(flat.map(addressOf), ['j@x.test', 'r@y.test']);
  });
});
