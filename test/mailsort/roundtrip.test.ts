import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFilter, formatDiagnostic } from '../../src/mailsort/parser.js';
import { printFilterFile, printRule, printVacation } from '../../src/mailsort/printer.js';
import type { FilterTree, Rule, Test as RuleTest, VacationSettings } from '../../src/mailsort/ast.js';

function parse(text: string): FilterTree {
  const r = parseFilter(text);
  if (!r.ok) assert.fail(r.errors.map(formatDiagnostic).join('; '));
  return r.tree;
}

/** The example of /work/shared/MAILSORT.md, as given there. */
export const MAILSORT_MD_EXAMPLE = `# MailSort rules for alice@example.com — blocks run from top to bottom.

rule "John's mail to enr"
  if from contains "John Doe"
  move to "enr"
end

rule "Quotes: keep and copy to the sales team"
  if subject contains "[quote]" or to contains "sales@"
  copy to "shared/sales@example.com"
end

rule "Invoices to the bookkeeper"
  if subject begins with "Invoice" and size over 10K
  forward to "books@example.com", "archive@example.com"
  stop
end

rule "Known spammer"
  if from is "offers@spam.example"
  reject "No thanks."
end

rule "Out of office" disabled
  always
  vacation
end

vacation
  subject "Away until 5 January"
  active from 2026-12-20 until 2027-01-05
  days 7
  body """
    Thank you for your mail. I am away until 5 January
    and will answer when I am back.
    """
end
`;

const CORPUS: [string, string][] = [
  ['MAILSORT.md example', MAILSORT_MD_EXAMPLE],
  ['examples/filter.txt', readFileSync(new URL('../../examples/filter.txt', import.meta.url), 'utf8')],
  ['empty', ''],
  ['only comments', '# a\n#b\n\n\n   # indented comment\n'],
  ['no final line end', 'rule "a"\n  always\n  stop\nend'],
  ['no final line end after a comment', 'rule "a"\n  always\n  stop\nend\n# last'],
  ['CRLF', '# crlf\r\nrule "a"\r\n  if from is "x"\r\n  move to "y"\r\nend\r\n\r\nvacation\r\n  body """\r\n    hi\r\n    """\r\nend\r\n'],
  ['tabs, odd spacing and case', 'RULE\t"a"   DISABLED  \n\tIF   from   CONTAINS  "x"   AND size UNDER 5 k\n\t\tMOVE TO "y"\n  End  \n'],
  ['comments inside blocks', 'rule "a" # first\n  # explain\n  if subject is "s" # test\n\n  stop # done\nend # end\n'],
  ['escapes and unicode', 'rule "Ünïcødé \\"quoted\\" \\\\ back"\n  if subject contains "€ 100 — ☃"\n  move to "Reisen/Übersee"\nend\n'],
  ['multi-line string', 'rule "a\nb"\n  always\n  reject "line one\nline two"\nend\n'],
  ['blank lines everywhere', '\n\n\nrule "a"\n\n\n  always\n\n  stop\n\nend\n\n\n\nvacation\n\nend\n\n'],
  ['vacation first', 'vacation\n  subject "x"\nend\nrule "a"\n  always\n  vacation\nend\n'],
  ['text block with blank and indented lines', 'vacation\n  body """\n\n      deep\n    shallow\n\n    """\nend\n'],
  ['many rules', Array.from({ length: 50 }, (_, i) => `rule "r${i}"\n  if header "X-N" is "${i}"\n  copy to "F/${i}"\nend\n`).join('\n')],
];

/** Rules and vacation without the source-only detail (how a size was written). */
function meaning(tree: FilterTree): unknown {
  const dropText = (t: RuleTest): RuleTest => (t.kind === 'size' ? { ...t, text: '' } : t);
  return tree.items.flatMap((i): unknown[] => {
    if (i.kind === 'rule') {
      const c = i.rule.condition;
      return [{ ...i.rule, condition: c.kind === 'always' ? c : { ...c, tests: c.tests.map(dropText) } }];
    }
    if (i.kind === 'vacation') return [i.vacation];
    return [];
  });
}

describe('round trip', () => {
  for (const [name, text] of CORPUS) {
    test(`${name}: print(parse(text)) is the text byte for byte, and parses to the same tree`, () => {
      const tree = parse(text);
      const printed = printFilterFile(tree);
      assert.equal(printed, text);
      assert.deepEqual(parse(printed), tree);
    });

    test(`${name}: every block printed in canonical form means the same`, () => {
      const tree = parse(text);
      const canonical: FilterTree = {
        ...tree,
        items: tree.items.map((i) => (i.kind === 'rule' || i.kind === 'vacation' ? { ...i, source: null } : i)),
      };
      const printed = printFilterFile(canonical);
      assert.deepEqual(meaning(parse(printed)), meaning(tree));
      // Canonical form is a fixed point.
      assert.equal(printFilterFile(parse(printed)), printed);
    });
  }

  test('canonical form of a rule', () => {
    const rule: Rule = {
      name: 'Say "hi" \\ there',
      disabled: true,
      condition: {
        kind: 'or',
        tests: [
          { kind: 'header', not: true, field: { kind: 'header', name: 'X-Prio' }, op: 'begins', value: '1' },
          { kind: 'size', not: false, cmp: 'over', bytes: 3 * 1024 * 1024, text: '' },
          { kind: 'size', not: false, cmp: 'under', bytes: 2048, text: '' },
          { kind: 'size', not: false, cmp: 'under', bytes: 1000, text: '' },
        ],
      },
      actions: [
        { kind: 'forward', to: ['a@x.example', 'b@x.example'] },
        { kind: 'reject', reason: null },
      ],
    };
    assert.equal(
      printRule(rule),
      [
        'rule "Say \\"hi\\" \\\\ there" disabled',
        '  if not header "X-Prio" begins with "1" or size over 3M or size under 2K or size under 1000',
        '  forward to "a@x.example", "b@x.example"',
        '  reject',
        'end',
        '',
      ].join('\n'),
    );
  });

  test('canonical form of a vacation block: text block when it reads back the same, else a string', () => {
    const v: VacationSettings = {
      subject: 'Away',
      body: 'Line one\n\nLine three',
      days: 10,
      activeFrom: { year: 2026, month: 7, day: 1 },
      activeUntil: { year: 2026, month: 7, day: 31 },
      addresses: ['me@example.org'],
    };
    assert.equal(
      printVacation(v),
      'vacation\n  subject "Away"\n  active from 2026-07-01 until 2026-07-31\n  days 10\n  addresses "me@example.org"\n' +
        '  body """\n    Line one\n\n    Line three\n    """\nend\n',
    );
    for (const body of ['  all indented\n  lines', 'has """ inside\nx', 'one line', 'trailing\n', 'ws only\n   \nline', '']) {
      const text = printVacation({ ...v, body });
      const back = parse(text).items.find((i) => i.kind === 'vacation');
      assert.equal(back?.kind === 'vacation' ? back.vacation.body : undefined, body, JSON.stringify(body));
    }
  });
});
