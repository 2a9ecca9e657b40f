/**
 * Finding the folders and messages of a maildir tree: Maildir++ (Dovecot's and Courier's
 * default, ".Sub.Folder" directories beside cur/new/tmp, names in modified UTF-7) and the
 * "fs" layout (Sub/Folder directories each holding cur/new).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { decodeMailboxName } from '../imap/protocol/mutf7.js';
import { flagsFromMaildirName, parseDovecotKeywords } from './maildir-flags.js';

export interface MaildirFolder {
  /** Folder path relative to the maildir root, "/" between levels; "" is the root itself. */
  name: string;
  dir: string;
}

export interface MaildirMessageFile {
  path: string;
  flags: string[];
  internalDate: Date;
}

export function isMaildir(dir: string): boolean {
  return existsSync(join(dir, 'cur')) || existsSync(join(dir, 'new'));
}

function decodeLevel(level: string): string {
  return decodeMailboxName(level) ?? level;
}

export function listMaildirFolders(root: string): MaildirFolder[] {
  const folders: MaildirFolder[] = [];
  if (isMaildir(root)) folders.push({ name: '', dir: root });
  const walk = (dir: string, prefix: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || ['cur', 'new', 'tmp'].includes(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.') && prefix.length === 0) {
        // Maildir++: ".A.B" is folder A/B.
        if (entry.name === '.' || entry.name === '..' || !isMaildir(path)) continue;
        folders.push({ name: entry.name.slice(1).split('.').map(decodeLevel).join('/'), dir: path });
      } else if (!entry.name.startsWith('.')) {
        const levels = [...prefix, decodeLevel(entry.name)];
        if (isMaildir(path)) folders.push({ name: levels.join('/'), dir: path });
        walk(path, levels);
      }
    }
  };
  walk(root, []);
  return folders;
}

/** lstat, or null when the entry is gone. */
function entryStat(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * The messages of one maildir folder (new/ and cur/), oldest file name first. Symbolic links
 * (for cur/, new/, a message or dovecot-keywords) are skipped: the maildir being imported may
 * belong to a user, who could otherwise point them at any file the importing admin can read.
 */
export function listMaildirMessages(folder: MaildirFolder): MaildirMessageFile[] {
  const keywordsFile = join(folder.dir, 'dovecot-keywords');
  const keywords = entryStat(keywordsFile)?.isFile() ? parseDovecotKeywords(readFileSync(keywordsFile, 'utf8')) : new Map<string, string>();
  const files: MaildirMessageFile[] = [];
  for (const sub of ['new', 'cur']) {
    const dir = join(folder.dir, sub);
    if (!entryStat(dir)?.isDirectory()) continue;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      const stat = entryStat(path);
      if (!stat?.isFile()) continue;
      files.push({ path, flags: flagsFromMaildirName(name, keywords), internalDate: stat.mtime });
    }
  }
  const stamp = (p: string) => Number(/\/(\d+)\./.exec(p)?.[1] ?? 0);
  return files.sort((a, b) => stamp(a.path) - stamp(b.path) || a.path.localeCompare(b.path));
}
