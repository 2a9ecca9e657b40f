/**
 * The MailSort engine: what the delivery pipeline asks for each recipient. It reads the user's
 * filter file (parsed once per file version), runs the rules, checks every target and builds
 * the vacation reply, and answers a DeliveryPlan. It never stops a delivery: a file that cannot
 * be read or parsed, or any failure here, gives INBOX and a logged error.
 */
import type { Logger } from 'pino';
import { INBOX_ONLY, type DeliveryPlan } from '../delivery/plan.js';
import type { SortInput } from '../delivery/sorter.js';
import type { Store } from '../store/types.js';
import type { FilterDiagnostic } from './ast.js';
import { compileFilter, evaluate, type CompiledFilter } from './evaluator.js';
import { createMessageView, type MessageView } from './message-view.js';
import { parseFilter } from './parser.js';
import { forwardLoopReason, resolveTarget } from './targets.js';
import { buildVacationReply, isVacationActive, normalizeAddress, vacationDays, vacationRefusal } from './vacation.js';

export interface MailSortDeps {
  store: Pick<Store, 'getFilterFile' | 'recordVacationReply'>;
  logger: Logger;
  /** Used in Message-IDs of vacation replies. */
  hostname: string;
  /** Parsed files kept in memory at most (least recently used go first). */
  cacheSize?: number;
}

/** What the engine is asked about one recipient's copy: the delivery pipeline's sort input. */
export type PlanInput = SortInput;

type CacheEntry = { version: number } & ({ ok: true; filter: CompiledFilter } | { ok: false; errors: FilterDiagnostic[] });

function inboxOnly(notes: string[] = []): DeliveryPlan {
  return { ...INBOX_ONLY, folders: ['INBOX'], forwards: [], notes };
}

/** A reject reason fit for an LMTP reply line. */
function replyText(reason: string): string {
  const clean = reason.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  return clean === '' ? 'Rejected' : clean.slice(0, 400);
}

export class MailSortEngine {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly cacheSize: number;
  /** Files parsed and plans answered from the parse cache (for metrics and tests). */
  readonly stats = { parses: 0, cacheHits: 0 };

  constructor(private readonly deps: MailSortDeps) {
    this.cacheSize = deps.cacheSize ?? 5000;
  }

  /** Drops a user's parsed file (the version check makes this optional; it frees memory). */
  forget(userAddress: string): void {
    this.cache.delete(userAddress.toLowerCase());
  }

  async plan(input: PlanInput): Promise<DeliveryPlan> {
    const user = input.user.address;
    try {
      return await this.planUnchecked(input);
    } catch (err) {
      this.deps.logger.error({ err, user }, 'MailSort failed; the message goes to INBOX');
      return inboxOnly(['MailSort failed; filed in INBOX']);
    }
  }

  private async loadFilter(user: string): Promise<CacheEntry | null | 'unreadable'> {
    let file;
    try {
      file = await this.deps.store.getFilterFile(user);
    } catch (err) {
      this.deps.logger.error({ err, user }, 'Error in reading filter file; the message goes to INBOX');
      return 'unreadable';
    }
    const key = user.toLowerCase();
    if (!file) {
      this.cache.delete(key);
      return null;
    }
    const cached = this.cache.get(key);
    if (cached && cached.version === file.version) {
      // Refresh its place in the least-recently-used order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      this.stats.cacheHits++;
      return cached;
    }
    const parsed = parseFilter(file.text);
    this.stats.parses++;
    const entry: CacheEntry = parsed.ok
      ? { version: file.version, ok: true, filter: compileFilter(parsed.tree) }
      : { version: file.version, ok: false, errors: parsed.errors };
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return entry;
  }

  private async planUnchecked(input: PlanInput): Promise<DeliveryPlan> {
    const { logger } = this.deps;
    const user = input.user.address;
    const entry = await this.loadFilter(user);
    if (entry === 'unreadable') return inboxOnly(['filter file could not be read; filed in INBOX']);
    if (entry === null) return inboxOnly();
    if (!entry.ok) {
      const first = entry.errors[0];
      logger.error(
        { user, line: first?.line, column: first?.column, detail: first?.message },
        'Syntax error in the filter file; the message goes to INBOX',
      );
      return inboxOnly([`syntax error in the filter file at line ${first?.line ?? 0}; filed in INBOX`]);
    }
    const now = input.now ?? new Date();
    const header = input.raw.subarray(input.index.root.header.start, input.index.root.header.end);
    const view = createMessageView(header, input.raw.length);
    const result = evaluate(entry.filter, view);
    // One line per filtered message: which rules acted and how (never message content).
    if (result.actions.length > 0) {
      logger.info(
        { user, actions: result.actions.map((a) => `${a.ruleName}: ${a.action.kind}${'folder' in a.action ? ` ${a.action.folder}` : ''}`) },
        'MailSort rules applied',
      );
    }
    if (result.reject !== null) {
      logger.info({ user, rule: result.stoppedAt }, 'MailSort rejected the message');
      return { reject: replyText(result.reject), folders: [], forwards: [], vacation: null, notes: [] };
    }

    const notes: string[] = [];
    const folders: string[] = result.keep ? ['INBOX'] : [];
    for (const target of result.folders) {
      const r = resolveTarget(target, input.user);
      let folder = 'INBOX';
      if (r.ok) folder = r.folder;
      else {
        notes.push(`${r.reason}; filed in INBOX`);
        logger.warn({ user, target, reason: r.reason }, 'MailSort target not usable; the message goes to INBOX');
      }
      if (!folders.includes(folder)) folders.push(folder);
    }

    const ownAddresses = [user, input.recipient];
    let forwards = result.forwards;
    if (forwards.length > 0) {
      const loop = forwardLoopReason(view, ownAddresses);
      if (loop) {
        notes.push(`forward skipped: mail loop (${loop})`);
        logger.warn({ user, loop }, 'MailSort forward skipped: the message already passed through this user');
        forwards = [];
      }
    }

    const vacation = result.vacation ? await this.vacationReply(input, view, entry.filter, now, notes) : null;
    return { reject: null, folders, forwards, vacation, notes };
  }

  private async vacationReply(
    input: PlanInput,
    view: MessageView,
    filter: CompiledFilter,
    now: Date,
    notes: string[],
  ): Promise<{ to: string; raw: Buffer } | null> {
    const settings = filter.vacation;
    const user = input.user.address;
    if (!settings) {
      notes.push('vacation: the filter file has no vacation message');
      return null;
    }
    if (!isVacationActive(settings, now)) {
      notes.push('vacation: not within its active dates');
      return null;
    }
    const refusal = vacationRefusal({
      view,
      envelopeFrom: input.envelopeFrom,
      ownAddresses: [user, input.recipient, ...settings.addresses],
    });
    if (refusal) {
      notes.push(`vacation: no reply (${refusal})`);
      return null;
    }
    const sender = normalizeAddress(input.envelopeFrom);
    let due: boolean;
    try {
      due = await this.deps.store.recordVacationReply(user, sender, now, vacationDays(settings));
    } catch (err) {
      this.deps.logger.error({ err, user }, 'MailSort could not record a vacation reply; none is sent');
      notes.push('vacation: reply memory unavailable; no reply');
      return null;
    }
    if (!due) {
      notes.push(`vacation: ${sender} was answered within ${vacationDays(settings)} days`);
      return null;
    }
    const to = input.envelopeFrom.trim().replace(/^<(.*)>$/, '$1').trim();
    const name = `${input.user.firstName} ${input.user.lastName}`.trim();
    const raw = buildVacationReply({ settings, view, to, from: { address: user, name }, hostname: this.deps.hostname, now });
    return { to, raw };
  }
}
