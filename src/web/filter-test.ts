/**
 * The filter test panel: which blocks a message matches and what delivery would do with it,
 * computed by the real MailSort engine on the stored file, without side effects (the vacation
 * reply memory is not touched, nothing is filed, forwarded or sent).
 */
import type { Logger } from 'pino';
import { compileFilter, evaluate, createMessageView, headerBlockOf, MailSortEngine, parseFilter, type TakenAction } from '../mailsort/index.js';
import { indexMessage, normalizeLineEndings } from '../mime/index.js';
import type { FilterFile, UserRecord } from '../store/types.js';
import { webError } from './http-errors.js';

export interface FilterTestResult {
  noFilterFile: boolean;
  /** Blocks whose condition held and whose actions ran, in order. */
  matched: { index: number; name: string }[];
  actions: TakenAction[];
  outcome: {
    reject: string | null;
    folders: string[];
    forwards: string[];
    vacation: { to: string; subject: string } | null;
    notes: string[];
  };
}

function addressIn(value: string): string {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angle?.[1]) return angle[1];
  const bare = /[^\s<>",;]+@[^\s<>",;]+/.exec(value);
  return bare?.[0] ?? '';
}

function subjectOf(raw: Buffer): string {
  const header = headerBlockOf(raw).toString('utf8');
  const match = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(header);
  return match?.[1]?.replace(/\r?\n[ \t]/g, ' ').trim() ?? '';
}

export async function testFilter(options: {
  file: FilterFile | null;
  user: UserRecord;
  raw: Buffer;
  envelopeFrom?: string | undefined;
  hostname: string;
  logger: Logger;
}): Promise<FilterTestResult> {
  const raw = normalizeLineEndings(options.raw);
  if (!options.file) {
    return { noFilterFile: true, matched: [], actions: [], outcome: { reject: null, folders: ['INBOX'], forwards: [], vacation: null, notes: ['no filter file: everything goes to INBOX'] } };
  }
  const parsed = parseFilter(options.file.text);
  if (!parsed.ok) throw webError('FILTER_SYNTAX', 'Syntax error in the filter file: fix it before testing.', parsed.errors);
  const view = createMessageView(headerBlockOf(raw), raw.length);
  const evaluation = evaluate(compileFilter(parsed.tree), view);
  const matched: { index: number; name: string }[] = [];
  for (const taken of evaluation.actions) if (!matched.some((m) => m.index === taken.rule)) matched.push({ index: taken.rule, name: taken.ruleName });

  const index = indexMessage(raw);
  const envelopeFrom = options.envelopeFrom ?? addressIn(view.header('return-path')[0] ?? '') ?? '';
  const sender = envelopeFrom || addressIn(view.header('from')[0] ?? '');
  // A dry run: the store seen by the engine serves this file and says a vacation reply is due
  // without recording it.
  const file = options.file;
  const engine = new MailSortEngine({
    store: { getFilterFile: async () => file, recordVacationReply: async () => true },
    logger: options.logger,
    hostname: options.hostname,
  });
  const plan = await engine.plan({ user: options.user, recipient: options.user.address, envelopeFrom: sender, raw, index });
  const notes = [...plan.notes];
  if (plan.vacation) notes.push(`vacation: a reply goes at most once every few days to the same sender; this test ignores earlier replies`);
  return {
    noFilterFile: false,
    matched,
    actions: evaluation.actions,
    outcome: {
      reject: plan.reject,
      folders: plan.folders,
      forwards: plan.forwards,
      vacation: plan.vacation ? { to: plan.vacation.to, subject: subjectOf(plan.vacation.raw) } : null,
      notes,
    },
  };
}
