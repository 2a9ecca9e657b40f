import type { Store } from '../../src/store/types.js';

/** The real store, except that the disk is full for filter writes and one user's file cannot be read. */
export function failingStore(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'setFilterFile') {
        return async () => {
          throw Object.assign(new Error('write failed'), { code: 'ENOSPC' });
        };
      }
      if (property === 'getFilterFile') {
        return async (address: string) => {
          if (address === 'bob@example.com') throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
          return target.getFilterFile(address);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
