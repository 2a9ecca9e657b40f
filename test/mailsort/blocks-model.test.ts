/**
 * The block-editing API against a simple model: random sequences of edits on several files;
 * after each, the file parses, its rules equal the model's list, and blocks not touched keep
 * their exact text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { insertRule, listRules, moveRule, removeRule, replaceRule, setRuleEnabled, setVacation, removeVacation, getVacation } from '../../src/mailsort/blocks.js';
import { parseFilter } from '../../src/mailsort/parser.js';
import type { Rule } from '../../src/mailsort/ast.js';
import { formatSize } from '../../src/mailsort/printer.js';

const FILES = [
  readFileSync(new URL('../../examples/filter.txt', import.meta.url), 'utf8'),
  '',
  '# only a comment',
  'rule "a"\r\n  always\r\n  stop\r\nend',
  'vacation\n  body "x"\nend\n\n\n# trailing comment\n',
];

/** A new rule as it reads back from the file (sizes written the canonical way). */
function newRule(n: number): Rule {
  const rule = rawRule(n);
  if (rule.condition.kind !== 'always') for (const t of rule.condition.tests) if (t.kind === 'size') t.text = formatSize(t.bytes, t.text);
  return rule;
}

function rawRule(n: number): Rule {
  return {
    name: `model ${n}`,
    disabled: n % 3 === 0,
    condition: {
      kind: 'or',
      tests: [
        { kind: 'header', not: false, field: { kind: 'to' }, op: 'ends', value: `@n${n}.example` },
        { kind: 'size', not: true, cmp: 'under', bytes: 2048 * (n + 1), text: n % 2 === 0 ? '' : `${2 * (n + 1)}K` },
      ],
    },
    actions: [{ kind: 'copy', folder: `Model/${n}` }],
  };
}

test('random edit sequences agree with a list model and never break the file', () => {
  let seed = 4242;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % Math.max(1, n);
  };
  let made = 0;
  for (const start of FILES) {
    for (let run = 0; run < 20; run++) {
      let text = start;
      let model: Rule[] = listRules(text).map((r) => r.rule);
      for (let step = 0; step < 8; step++) {
        const op = rand(7);
        const count = model.length;
        if (op === 0 || count === 0) {
          const at = rand(count + 1);
          const rule = newRule(made++);
          text = insertRule(text, at, rule);
          model.splice(at, 0, rule);
        } else if (op === 1) {
          const at = rand(count);
          text = removeRule(text, at);
          model.splice(at, 1);
        } else if (op === 2) {
          const from = rand(count);
          const to = rand(count);
          const before = listRules(text)[from];
          text = moveRule(text, from, to);
          const [moved] = model.splice(from, 1);
          if (moved) model.splice(to, 0, moved);
          assert.deepEqual(listRules(text)[to]?.rule, before?.rule);
        } else if (op === 3) {
          const at = rand(count);
          const rule = newRule(made++);
          text = replaceRule(text, at, rule);
          model[at] = rule;
        } else if (op === 4) {
          const at = rand(count);
          const enabled = rand(2) === 0;
          text = setRuleEnabled(text, at, enabled);
          const old = model[at];
          if (old) model[at] = { ...old, disabled: !enabled };
        } else if (op === 5) {
          text = setVacation(text, { subject: `s${step}`, body: 'a\nb', days: 1 + rand(60), activeFrom: null, activeUntil: null, addresses: [] });
          assert.equal(getVacation(text)?.subject, `s${step}`);
        } else {
          text = removeVacation(text);
          assert.equal(getVacation(text), null);
        }
        assert.ok(parseFilter(text).ok, text);
        assert.deepEqual(
          listRules(text).map((r) => r.rule),
          model,
        );
        assert.ok(!/\n\n\n\n/.test(text.replace(/\r/g, '')) || /\n\n\n\n/.test(start.replace(/\r/g, '')), 'no growing runs of blank lines');
      }
    }
  }
});

test('an edit leaves every other block of the example byte for byte', () => {
  const text = readFileSync(new URL('../../examples/filter.txt', import.meta.url), 'utf8');
  const blocks = text.split(/\n(?=rule |vacation\n)/);
  const edited = replaceRule(text, 3, newRule(1));
  const untouched = blocks.filter((b) => !b.startsWith('rule "Invoices to the bookkeeper"'));
  for (const b of untouched) assert.ok(edited.includes(b.replace(/\n*# [^\n]*\n?$/, '')), b.slice(0, 40));
});
