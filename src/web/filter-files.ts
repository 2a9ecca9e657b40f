/**
 * Reading and editing one user's filter file for the API: block edits go through MailSort's
 * block-editing functions (comments and untouched blocks keep their exact text), writes are
 * serialized per user in this process, and a caller may pass the version it last saw so a
 * change made meanwhile elsewhere is not overwritten silently (409 VERSION_CONFLICT).
 */
import { listRules, getVacation, parseFilter, type FilterDiagnostic } from '../mailsort/index.js';
import { isDiskFullError } from '../store/errors.js';
import type { FilterFile, Store } from '../store/types.js';
import { webError } from './http-errors.js';
import { vacationToJson, type VacationJson } from './rules-json.js';

export interface RulesListing {
  /** False when the user has no filter file yet (the guide's "filter file does not exist"). */
  exists: boolean;
  version: number | null;
  updatedAt: string | null;
  rules: ({ index: number } & ReturnType<typeof listRules>[number]['rule'])[];
  vacation: VacationJson | null;
  /** Present when the stored file does not parse: where, and why. */
  syntaxErrors?: FilterDiagnostic[];
}

/** The first lines of a file the web UI creates. */
export function newFileText(address: string): string {
  return `# MailSort rules for ${address}; blocks run from top to bottom.\n`;
}

export function listing(file: FilterFile | null): RulesListing {
  if (!file) return { exists: false, version: null, updatedAt: null, rules: [], vacation: null };
  const base = { exists: true, version: file.version, updatedAt: file.updatedAt.toISOString() };
  const parsed = parseFilter(file.text);
  if (!parsed.ok) return { ...base, rules: [], vacation: null, syntaxErrors: parsed.errors };
  const vacation = getVacation(file.text);
  return { ...base, rules: listRules(file.text).map((r) => ({ index: r.index, ...r.rule })), vacation: vacation ? vacationToJson(vacation) : null };
}

export class FilterFiles {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  /** The guide's "Error in reading filter file" when the store cannot read it. */
  async get(address: string): Promise<FilterFile | null> {
    try {
      return await this.store.getFilterFile(address);
    } catch (err) {
      if (isDiskFullError(err)) throw err;
      throw webError('FILTER_UNREADABLE', 'Error in reading the filter file; the details are in the server log.', undefined, { cause: err });
    }
  }

  /**
   * Applies `change` to the current text (or to a new file's text when none exists and
   * `createIfMissing`), checks `expectedVersion`, and saves. Returns the saved file.
   */
  edit(address: string, expectedVersion: number | undefined, change: (text: string) => string, createIfMissing: boolean): Promise<FilterFile> {
    return this.serialize(address, async () => {
      const current = await this.get(address);
      if (expectedVersion !== undefined && (current?.version ?? null) !== expectedVersion) {
        throw webError('VERSION_CONFLICT', 'The filter file was changed elsewhere since you loaded it. Reload the page and try again.');
      }
      if (!current && !createIfMissing) throw webError('NOT_FOUND', 'There is no filter file yet.');
      const before = current?.text ?? newFileText(address);
      return this.store.setFilterFile(address, change(before));
    });
  }

  /** Replaces the whole text (already checked by the caller). */
  put(address: string, expectedVersion: number | undefined, text: string): Promise<FilterFile> {
    return this.edit(address, expectedVersion, () => text, true);
  }

  remove(address: string): Promise<void> {
    return this.serialize(address, () => this.store.deleteFilterFile(address));
  }

  private serialize<T>(address: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(address) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(address, settled);
    void settled.then(() => {
      if (this.queues.get(address) === settled) this.queues.delete(address);
    });
    return next;
  }
}
