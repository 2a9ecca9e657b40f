/**
 * Which services `msgstore serve` runs, built from the configuration. Each listener can be
 * switched off in the configuration; the others go on.
 */
import type { ServerContext, Service } from './context.js';

export interface BuiltServices {
  services: Service[];
  /** Work after every listener is up (first-start messages, queue warnings). */
  afterStart(): Promise<void>;
  /** Work after the listeners stopped and before the store closes. */
  beforeClose(): Promise<void>;
}

export async function buildServices(_ctx: ServerContext, _print: (line: string) => void): Promise<BuiltServices> {
  const services: Service[] = [];
  return {
    services,
    async afterStart() {},
    async beforeClose() {},
  };
}
