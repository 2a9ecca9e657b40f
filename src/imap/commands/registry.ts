/** The command table: every IMAP command this server knows, by name. */
import { append } from './append.js';
import { authenticate, login, startTls } from './auth.js';
import { copy, move } from './copy.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { capability, enable, id, logout, noop } from './general.js';
import { idle } from './idle.js';
import { listCommand, lsub, namespace } from './list.js';
import { create, del, rename, subscribe, unsubscribe } from './mailboxes.js';
import { search } from './search.js';
import { check, close, examine, select, status, unselect } from './select.js';
import { store } from './store.js';
import type { RegisteredCommand } from './types.js';

const ALL: readonly RegisteredCommand[] = [
  capability,
  noop,
  logout,
  id,
  enable,
  startTls,
  login,
  authenticate,
  select,
  examine,
  create,
  del,
  rename,
  subscribe,
  unsubscribe,
  listCommand,
  lsub,
  namespace,
  status,
  append,
  check,
  close,
  unselect,
  expunge,
  search,
  fetch,
  store,
  copy,
  move,
  idle,
];

export const COMMANDS: ReadonlyMap<string, RegisteredCommand> = new Map(ALL.map((c) => [c.name, c]));
