/**
 * MailSort rules and the vacation message as the REST API carries them: the rule tree of
 * MAILSORT.md as JSON (validated with zod), and the vacation block with dates as "YYYY-MM-DD".
 */
import { z } from 'zod';
import type { Action, Condition, Day, Rule, Test, VacationSettings } from '../mailsort/index.js';

const text = (max: number) => z.string().max(max);

const fieldSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['from', 'to', 'cc', 'bcc']) }),
  z.object({ kind: z.literal('subject') }),
  z.object({ kind: z.literal('header'), name: z.string().trim().min(1, 'name the header field').max(200) }),
]);

const testSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('header'),
    not: z.boolean().default(false),
    field: fieldSchema,
    op: z.enum(['contains', 'is', 'begins', 'ends', 'matches']),
    value: text(1000),
  }),
  z.object({
    kind: z.literal('size'),
    not: z.boolean().default(false),
    cmp: z.enum(['over', 'under']),
    bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    text: z.string().regex(/^\d+[KM]?$/i).optional(),
  }),
]);

const conditionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('always') }),
  z.object({ kind: z.literal('and'), tests: z.array(testSchema).min(1, 'add at least one test').max(100) }),
  z.object({ kind: z.literal('or'), tests: z.array(testSchema).min(1, 'add at least one test').max(100) }),
]);

const actionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('move'), folder: z.string().trim().min(1, 'choose a folder').max(1000) }),
  z.object({ kind: z.literal('copy'), folder: z.string().trim().min(1, 'choose a folder').max(1000) }),
  z.object({ kind: z.literal('forward'), to: z.array(z.string().trim().min(1).max(320)).min(1, 'enter at least one address').max(50) }),
  z.object({ kind: z.literal('reject'), reason: z.string().max(400).nullable().default(null) }),
  z.object({ kind: z.literal('vacation') }),
  z.object({ kind: z.literal('discard') }),
  z.object({ kind: z.literal('stop') }),
]);

export const ruleSchema = z.object({
  name: z.string().trim().min(1, 'give the block a name').max(200),
  disabled: z.boolean().default(false),
  condition: conditionSchema,
  actions: z.array(actionSchema).min(1, 'add at least one action').max(50),
});

export type RuleJson = z.output<typeof ruleSchema>;

/** "10K" for 10240 bytes: how a size is written back into the file. */
export function sizeText(bytes: number): string {
  if (bytes > 0 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}M`;
  if (bytes > 0 && bytes % 1024 === 0) return `${bytes / 1024}K`;
  return String(bytes);
}

function toTest(t: z.output<typeof testSchema>): Test {
  if (t.kind === 'size') return { kind: 'size', not: t.not, cmp: t.cmp, bytes: t.bytes, text: t.text?.toUpperCase() ?? sizeText(t.bytes) };
  return { kind: 'header', not: t.not, field: t.field, op: t.op, value: t.value };
}

export function toRule(json: RuleJson): Rule {
  const c = json.condition;
  const condition: Condition = c.kind === 'always' ? { kind: 'always' } : { kind: c.kind, tests: c.tests.map(toTest) };
  const actions: Action[] = json.actions.map((a) => (a.kind === 'forward' ? { kind: 'forward', to: a.to } : a));
  return { name: json.name, disabled: json.disabled, condition, actions };
}

const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date looks like 2026-12-31')
  .nullable()
  .default(null);

export const vacationSchema = z.object({
  subject: z.string().max(500).nullable().default(null),
  body: z.string().max(20_000).nullable().default(null),
  days: z.number().int().min(1, 'days is 1 to 60').max(60, 'days is 1 to 60').nullable().default(null),
  activeFrom: dayText,
  activeUntil: dayText,
  addresses: z.array(z.string().trim().min(1).max(320)).max(50).default([]),
});

export type VacationJson = z.output<typeof vacationSchema>;

function parseDay(value: string | null): Day | null {
  if (value === null) return null;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

function formatDay(d: Day | null): string | null {
  return d === null ? null : `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function toVacation(json: VacationJson): VacationSettings {
  const subject = json.subject?.trim() ? json.subject : null;
  const body = json.body?.trim() ? json.body : null;
  return { subject, body, days: json.days, activeFrom: parseDay(json.activeFrom), activeUntil: parseDay(json.activeUntil), addresses: json.addresses };
}

export function vacationToJson(v: VacationSettings): VacationJson {
  return { subject: v.subject, body: v.body, days: v.days, activeFrom: formatDay(v.activeFrom), activeUntil: formatDay(v.activeUntil), addresses: v.addresses };
}
