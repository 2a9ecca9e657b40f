import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  listRules,
  replaceRule,
  insertRule,
  removeRule,
  moveRule,
  setRuleEnabled,
  getVacation,
  setVacation,
  removeVacation,
} from '../../src/mailsort/blocks.js';
import { FilterEditError, FilterSyntaxError } from '../../src/mailsort/errors.js';
import { isMailError } from '../../src/store/errors.js';
import type { Rule, VacationSettings } from '../../src/mailsort/ast.js';

const FILE = `# My rules

# lists first
rule "Lists"
  if header "List-Id" contains "rust"   # the rust list
  move to "Lists/rust"
end

rule "Boss"
  if from is "boss@example.com"
  copy to "Important"
end

# spam
rule "Spam"
  if subject begins with "[SPAM]"
  discard
end
`;

const NEW_RULE: Rule = {
  name: 'Newsletters',
  disabled: false,
  condition: { kind: 'and', tests: [{ kind: 'header', not: false, field: { kind: 'subject' }, op: 'contains', value: 'newsletter' }] },
  actions: [{ kind: 'move', folder: 'News' }],
};

const NEW_RULE_TEXT = 'rule "Newsletters"\n  if subject contains "newsletter"\n  move to "News"\nend\n';

const VACATION: VacationSettings = {
  subject: 'Away',
  body: 'I am away.\nBack soon.',
  days: 5,
  activeFrom: null,
  activeUntil: { year: 2027, month: 1, day: 5 },
  addresses: [],
};

describe('block-editing API', () => {
  test('listRules gives index, name, enabled state and the rule', () => {
    const list = listRules(FILE);
    assert.deepEqual(
      list.map((r) => [r.index, r.name, r.disabled]),
      [[0, 'Lists', false], [1, 'Boss', false], [2, 'Spam', false]],
    );
    assert.deepEqual(list[1]?.rule.actions, [{ kind: 'copy', folder: 'Important' }]);
  });

  test('replaceRule re-prints that block only; comments and other blocks are untouched', () => {
    const out = replaceRule(FILE, 1, NEW_RULE);
    assert.equal(out, FILE.replace('rule "Boss"\n  if from is "boss@example.com"\n  copy to "Important"\nend\n', NEW_RULE_TEXT));
  });

  test('replacing a block keeps the comment lines right above it', () => {
    const out = replaceRule(FILE, 2, NEW_RULE);
    assert.ok(out.includes(`# spam\n${NEW_RULE_TEXT}`));
    assert.ok(out.includes('# the rust list'));
  });

  test('insertRule at the start, in the middle and at the end', () => {
    const first = insertRule(FILE, 0, NEW_RULE);
    assert.equal(first, FILE.replace('# lists first\n', `${NEW_RULE_TEXT}\n# lists first\n`));
    const middle = insertRule(FILE, 2, NEW_RULE);
    assert.equal(middle, FILE.replace('# spam\n', `${NEW_RULE_TEXT}\n# spam\n`));
    const last = insertRule(FILE, 3, NEW_RULE);
    assert.equal(last, `${FILE}\n${NEW_RULE_TEXT}`);
    assert.deepEqual(listRules(last).map((r) => r.name), ['Lists', 'Boss', 'Spam', 'Newsletters']);
  });

  test('insertRule into an empty file, a file without a final line end, and above the vacation block', () => {
    assert.equal(insertRule('', 0, NEW_RULE), NEW_RULE_TEXT);
    assert.equal(insertRule('# just a comment', 0, NEW_RULE), `# just a comment\n\n${NEW_RULE_TEXT}`);
    assert.equal(
      insertRule('rule "a"\n  always\n  stop\nend', 1, NEW_RULE),
      `rule "a"\n  always\n  stop\nend\n\n${NEW_RULE_TEXT}`,
    );
    assert.equal(insertRule('vacation\nend\n', 0, NEW_RULE), `${NEW_RULE_TEXT}\nvacation\nend\n`);
  });

  test('removeRule takes the block with its comments and leaves no double blank line', () => {
    assert.equal(
      removeRule(FILE, 2),
      FILE.replace('\n# spam\nrule "Spam"\n  if subject begins with "[SPAM]"\n  discard\nend\n', ''),
    );
    const out = removeRule(FILE, 1);
    assert.ok(!out.includes('Boss'));
    assert.ok(!out.includes('\n\n\n'));
    assert.equal(removeRule(removeRule(removeRule(FILE, 0), 0), 0), '# My rules\n');
  });

  test('moveRule moves a block with its comments and keeps its exact text', () => {
    const out = moveRule(FILE, 0, 2);
    assert.deepEqual(listRules(out).map((r) => r.name), ['Boss', 'Spam', 'Lists']);
    assert.ok(out.includes('# lists first\nrule "Lists"\n  if header "List-Id" contains "rust"   # the rust list\n'));
    assert.equal(moveRule(out, 2, 0), FILE);
    const up = moveRule(FILE, 2, 1);
    assert.deepEqual(listRules(up).map((r) => r.name), ['Lists', 'Spam', 'Boss']);
  });

  test('setRuleEnabled changes only the word disabled', () => {
    const off = setRuleEnabled(FILE, 0, false);
    assert.equal(off, FILE.replace('rule "Lists"\n', 'rule "Lists" disabled\n'));
    assert.equal(setRuleEnabled(off, 0, true), FILE);
    assert.equal(setRuleEnabled(FILE, 0, true), FILE);
    const tricky = 'rule "x"   DISABLED   # off for now\n  always\n  stop\nend\n';
    assert.equal(setRuleEnabled(tricky, 0, true), 'rule "x"   # off for now\n  always\n  stop\nend\n');
  });

  test('vacation: get, set (add, then replace), remove', () => {
    assert.equal(getVacation(FILE), null);
    const added = setVacation(FILE, VACATION);
    assert.equal(
      added,
      `${FILE}\nvacation\n  subject "Away"\n  active until 2027-01-05\n  days 5\n  body """\n    I am away.\n    Back soon.\n    """\nend\n`,
    );
    assert.deepEqual(getVacation(added), VACATION);
    const replaced = setVacation(added, { ...VACATION, subject: 'Back Monday', days: null });
    assert.equal(getVacation(replaced)?.subject, 'Back Monday');
    assert.equal(getVacation(replaced)?.days, null);
    assert.equal(replaced.split('vacation').length, 2);
    assert.equal(removeVacation(added), FILE);
    assert.equal(removeVacation(FILE), FILE);
  });

  test('a file that does not parse is refused with its errors', () => {
    assert.throws(
      () => replaceRule('rule "a"\n  sometimes\nend\n', 0, NEW_RULE),
      (err: unknown) =>
        err instanceof FilterSyntaxError &&
        isMailError(err, 'MS_INVALID_ARGUMENT') &&
        err.errors[0]?.line === 2 &&
        err.message.includes('line 2, column 3'),
    );
  });

  test('bad indexes and invalid rules or vacation messages are refused', () => {
    const bad = (fn: () => unknown): void => assert.throws(fn, (e: unknown) => e instanceof FilterEditError && isMailError(e, 'MS_INVALID_ARGUMENT'));
    bad(() => replaceRule(FILE, 3, NEW_RULE));
    bad(() => replaceRule(FILE, -1, NEW_RULE));
    bad(() => insertRule(FILE, 4, NEW_RULE));
    bad(() => removeRule(FILE, 1.5));
    bad(() => moveRule(FILE, 0, 3));
    bad(() => setRuleEnabled(FILE, 9, true));
    bad(() => replaceRule(FILE, 0, { ...NEW_RULE, actions: [] }));
    bad(() => replaceRule(FILE, 0, { ...NEW_RULE, actions: [{ kind: 'move', folder: ' ' }] }));
    bad(() => replaceRule(FILE, 0, { ...NEW_RULE, actions: [{ kind: 'forward', to: ['not an address'] }] }));
    bad(() => replaceRule(FILE, 0, { ...NEW_RULE, condition: { kind: 'or', tests: [] } }));
    bad(() =>
      replaceRule(FILE, 0, {
        ...NEW_RULE,
        condition: { kind: 'and', tests: [{ kind: 'header', not: false, field: { kind: 'header', name: 'Bad Name:' }, op: 'is', value: '' }] },
      }),
    );
    bad(() => setVacation(FILE, { ...VACATION, days: 0 }));
    bad(() => setVacation(FILE, { ...VACATION, activeFrom: { year: 2027, month: 2, day: 1 } }));
    bad(() => setVacation(FILE, { ...VACATION, activeUntil: { year: 2027, month: 2, day: 29 } }));
  });

  test('a rule is stored as its text reads back: one-test "or" is "and", sizes in canonical form', () => {
    const out = insertRule('', 0, {
      ...NEW_RULE,
      condition: { kind: 'or', tests: [{ kind: 'size', not: false, cmp: 'over', bytes: 2048, text: '' }] },
    });
    assert.equal(out, 'rule "Newsletters"\n  if size over 2K\n  move to "News"\nend\n');
    assert.deepEqual(listRules(out)[0]?.rule.condition, { kind: 'and', tests: [{ kind: 'size', not: false, cmp: 'over', bytes: 2048, text: '2K' }] });
  });

  test('names and values with quotes, backslashes and line ends survive an edit', () => {
    const rule: Rule = { ...NEW_RULE, name: 'a "b" \\ c\nd', actions: [{ kind: 'reject', reason: 'x"y' }] };
    const out = insertRule('', 0, rule);
    assert.deepEqual(listRules(out)[0]?.rule, rule);
  });
});
