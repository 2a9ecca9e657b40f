/**
 * MailSort micro-benchmark: a 200-block filter file evaluated against 10,000 messages.
 * Reports the time to parse and compile the file once, and the time per message to build the
 * message view (header split and decoding, done lazily) and run every rule.
 * Run alone with: node --import tsx bench/mailsort.ts
 */
import { fileURLToPath } from 'node:url';
import { compileFilter, evaluate } from '../src/mailsort/evaluator.js';
import { createMessageView } from '../src/mailsort/message-view.js';
import { parseFilter } from '../src/mailsort/parser.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const RULE_COUNT = 200;
const MESSAGE_COUNT = 10_000;

/** A varied 200-block file: every field, operator and action appears; few rules match a given message. */
export function benchFilterText(): string {
  const blocks: string[] = ['# benchmark filter file', ''];
  for (let i = 0; i < RULE_COUNT; i++) {
    const tests = [
      `from contains "sender${i}@"`,
      `subject begins with "[list-${i}]"`,
      `to is "team${i}@example.com"`,
      `header "List-Id" ends with "list${i}.example.org>"`,
      `from matches "*@host${i}.example.*"`,
      `cc contains "person${i}"`,
      `subject matches "*report ${i}*"`,
      `size over ${(i % 50) + 1}M`,
    ];
    const a = tests[i % tests.length] ?? '';
    const b = tests[(i * 7 + 3) % tests.length] ?? '';
    // "a and not b" or "a or b": a rule holds now and then, so most messages run all 200 rules.
    const joiner = i % 3 === 0 ? 'and' : 'or';
    const negate = joiner === 'and' && i % 2 === 0 ? 'not ' : '';
    const actions = [
      `move to "Lists/list${i}"`,
      `copy to "Archive/${i % 12}"`,
      `forward to "fwd${i}@elsewhere.example"`,
      'vacation',
    ];
    blocks.push(
      `rule "block ${i}"${i % 17 === 0 ? ' disabled' : ''}`,
      `  if ${a} ${joiner} ${negate}${b}`,
      `  ${actions[i % actions.length] ?? 'stop'}`,
      ...(i % 10 === 9 ? ['  stop'] : []),
      'end',
      '',
    );
  }
  blocks.push('vacation', '  subject "Away"', '  days 7', '  body "I am away."', 'end', '');
  return blocks.join('\n');
}

function benchMessage(i: number): Buffer {
  const n = (i * 7919) % 400;
  const headers = [
    'Return-Path: <bounce@example.net>',
    `Received: from host${n}.example.net by mx.example.com; Thu, 26 Nov 2026 07:00:00 +0000`,
    `From: "Sender ${n}" <sender${n}@host${n % 250}.example.net>`,
    `To: Alice <alice@example.com>, team${n % 220}@example.com`,
    i % 5 === 0 ? `Cc: =?UTF-8?Q?J=C3=BCrgen_person${n}?= <jp@example.de>` : '',
    `Subject: ${i % 4 === 0 ? `[list-${n % 210}] ` : ''}Weekly report ${n} =?UTF-8?B?w6TDtsO8?=`,
    `Message-ID: <${i}.bench@example.net>`,
    'Date: Thu, 26 Nov 2026 07:00:00 +0000',
    i % 3 === 0 ? `List-Id: Bench list <list${n % 230}.example.org>` : '',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ].filter((h) => h !== '');
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n`);
}

export function runMailSortBench(): BenchResult[] {
  const text = benchFilterText();
  const parseStart = process.hrtime.bigint();
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(`benchmark filter does not parse: ${parsed.errors[0]?.message ?? ''}`);
  const filter = compileFilter(parsed.tree);
  const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;

  const headers = Array.from({ length: MESSAGE_COUNT }, (_, i) => benchMessage(i));
  // A short warm-up so the JIT has seen the code before timing.
  for (let i = 0; i < 500; i++) evaluate(filter, createMessageView(headers[i % headers.length] as Buffer, 5000));

  let matched = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < MESSAGE_COUNT; i++) {
    const view = createMessageView(headers[i] as Buffer, 2000 + i * 37);
    const result = evaluate(filter, view);
    if (result.actions.length > 0) matched++;
  }
  const totalUs = Number(process.hrtime.bigint() - start) / 1e3;
  // The file is built so that some messages match and most run every rule; check it still does.
  if (matched === 0 || matched === MESSAGE_COUNT) throw new Error(`benchmark rules matched ${matched} of ${MESSAGE_COUNT} messages`);
  // CPU time as well: on a shared machine the wall clock also counts other processes' turns.
  const cpu = process.cpuUsage(cpuStart);
  const cpuUs = cpu.user + cpu.system;
  return [
    { name: 'mailsort.parse_compile_200_blocks', value: Number(parseMs.toFixed(3)), unit: 'ms' },
    { name: 'mailsort.evaluate_200_blocks_per_message', value: Number((totalUs / MESSAGE_COUNT).toFixed(2)), unit: 'us' },
    { name: 'mailsort.evaluate_200_blocks_per_message_cpu', value: Number((cpuUs / MESSAGE_COUNT).toFixed(2)), unit: 'us' },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of runMailSortBench()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
