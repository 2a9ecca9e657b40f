/**
 * Maildir file names and flags (the maildir "info" part ":2,<letters>"), with Dovecot's
 * keyword letters a..z mapped through its dovecot-keywords file.
 */

const SYSTEM_LETTERS: Record<string, string> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };
const LETTER_FOR: Record<string, string> = Object.fromEntries(Object.entries(SYSTEM_LETTERS).map(([letter, flag]) => [flag, letter]));

/** Flags from a maildir file name; unknown letters are ignored, P (passed) has no IMAP flag. */
export function flagsFromMaildirName(name: string, keywords: ReadonlyMap<string, string>): string[] {
  const info = name.lastIndexOf(':2,');
  if (info < 0) return [];
  const flags: string[] = [];
  for (const letter of name.slice(info + 3)) {
    const system = SYSTEM_LETTERS[letter];
    if (system) flags.push(system);
    else if (letter >= 'a' && letter <= 'z') {
      const keyword = keywords.get(letter);
      if (keyword) flags.push(keyword);
    }
  }
  return flags;
}

/** The ":2,<letters>" suffix for flags, letters sorted as the maildir spec asks. */
export function maildirInfo(flags: readonly string[], keywordLetters: ReadonlyMap<string, string>): string {
  const letters: string[] = [];
  for (const flag of flags) {
    const letter = LETTER_FOR[flag] ?? keywordLetters.get(flag);
    if (letter) letters.push(letter);
  }
  return ':2,' + [...new Set(letters)].sort().join('');
}

/** Dovecot's dovecot-keywords file: lines "<index> <keyword>", index 0 = letter a. */
export function parseDovecotKeywords(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\d+)\s+(\S+)\s*$/.exec(line);
    if (!match) continue;
    const index = Number(match[1]);
    if (index < 26) map.set(String.fromCharCode(97 + index), match[2]!);
  }
  return map;
}

export function formatDovecotKeywords(keywords: readonly string[]): { text: string; letters: Map<string, string> } {
  const letters = new Map<string, string>();
  const lines: string[] = [];
  keywords.slice(0, 26).forEach((keyword, i) => {
    letters.set(keyword, String.fromCharCode(97 + i));
    lines.push(`${i} ${keyword}`);
  });
  return { text: lines.length ? lines.join('\n') + '\n' : '', letters };
}
