/**
 * The Store contract suite: every Store implementation (SQLite now, PostgreSQL later) runs
 * these tests, covering each operation and each error code a caller can provoke through the
 * interface alone.
 */
import { describe } from 'node:test';
import { accountContract } from './contract-accounts.js';
import type { StoreFactory } from './contract-helpers.js';
import { mailboxContract } from './contract-mailboxes.js';
import { messageContract } from './contract-messages.js';
import { miscContract } from './contract-misc.js';

export type { StoreFactory } from './contract-helpers.js';

export function runStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    accountContract(makeStore);
    mailboxContract(makeStore);
    messageContract(makeStore);
    miscContract(makeStore);
  });
}
