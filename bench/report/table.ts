/** The result table: one row per figure, msgstore beside Dovecot, with the ratio and who is ahead. */
import type { Figure } from '../workloads/types.js';

export interface ComparedRow {
  workload: string;
  figure: string;
  unit: string;
  better: 'higher' | 'lower';
  msgstore: number | null;
  dovecot: number | null;
  /** msgstore / Dovecot. */
  ratio: number | null;
  /** How many times better the leading side is (>= 1), and which side that is. */
  lead: { side: 'msgstore' | 'dovecot' | 'even'; factor: number } | null;
}

export function compareFigures(msgstore: readonly Figure[], dovecot: readonly Figure[] | null): ComparedRow[] {
  const key = (f: Figure) => `${f.workload}\u0000${f.figure}`;
  const other = new Map((dovecot ?? []).map((f) => [key(f), f]));
  const rows: ComparedRow[] = [];
  const seen = new Set<string>();
  for (const f of [...msgstore, ...(dovecot ?? [])]) {
    if (seen.has(key(f))) continue;
    seen.add(key(f));
    const m = msgstore.find((x) => key(x) === key(f))?.value ?? null;
    const d = dovecot ? (other.get(key(f))?.value ?? null) : null;
    const ratio = m !== null && d !== null && Number.isFinite(m) && Number.isFinite(d) && d !== 0 ? m / d : null;
    let lead: ComparedRow['lead'] = null;
    if (ratio !== null && ratio > 0) {
      const msgstoreAhead = f.better === 'higher' ? ratio : 1 / ratio;
      if (Math.abs(msgstoreAhead - 1) < 0.05) lead = { side: 'even', factor: 1 };
      else lead = msgstoreAhead > 1 ? { side: 'msgstore', factor: msgstoreAhead } : { side: 'dovecot', factor: 1 / msgstoreAhead };
    }
    rows.push({ workload: f.workload, figure: f.figure, unit: f.unit, better: f.better, msgstore: m, dovecot: d, ratio, lead });
  }
  return rows;
}

export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

function leadText(row: ComparedRow): string {
  if (!row.lead) return '-';
  if (row.lead.side === 'even') return 'even';
  return `${row.lead.side} ${row.lead.factor.toFixed(row.lead.factor >= 10 ? 0 : 1)}x better`;
}

/** A table with aligned columns; markdown=true gives a Markdown table for docs/benchmarks.md. */
export function renderTable(rows: readonly ComparedRow[], compared: boolean, markdown = false): string {
  const header = compared
    ? ['workload', 'figure', 'unit', 'better', 'msgstore', 'dovecot', 'msgstore/dovecot', 'ahead']
    : ['workload', 'figure', 'unit', 'better', 'msgstore'];
  const body = rows.map((r) => {
    const cells = [r.workload, r.figure, r.unit, r.better, formatNumber(r.msgstore)];
    if (compared) cells.push(formatNumber(r.dovecot), r.ratio === null ? '-' : r.ratio.toFixed(r.ratio >= 100 ? 0 : 3), leadText(r));
    return cells;
  });
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const numeric = (i: number) => i >= 4;
  const line = (cells: string[]) => cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The figures where Dovecot leads by the largest factor. */
export function furthestBehind(rows: readonly ComparedRow[], count: number): ComparedRow[] {
  return rows
    .filter((r) => r.lead?.side === 'dovecot' && r.unit !== 'count')
    .sort((a, b) => b.lead!.factor - a.lead!.factor)
    .slice(0, count);
}
