/**
 * Writes generated messages as a maildir (cur/new/tmp), built once per (name, seed, count) in a
 * cache directory and reused by later runs; a manifest records what SEARCH must find.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageGenerator, type SizeMix } from './message-generator.js';

export interface MaildirManifest {
  messages: number;
  bytes: number;
  subjectMatches: number;
  bodyMatches: number;
  seen: number;
}

export interface BuiltMaildir {
  path: string;
  manifest: MaildirManifest;
}

export interface MaildirSpec {
  name: string;
  seed: number;
  count: number;
  mix: SizeMix;
  /** The address in the To: header. */
  to: string;
}

/** Builds the maildir unless a complete one with the same spec is already in cacheDir. */
export function buildMaildir(cacheDir: string, spec: MaildirSpec): BuiltMaildir {
  const path = join(cacheDir, `${spec.name}-${spec.mix}-${spec.seed}-${spec.count}`);
  // The manifest lies beside the maildir, so that no importer mistakes it for a message.
  const manifestPath = `${path}.manifest.json`;
  if (existsSync(manifestPath)) return { path, manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) as MaildirManifest };
  const building = `${path}.building`;
  rmSync(building, { recursive: true, force: true });
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(building, sub), { recursive: true });
  const generator = new MessageGenerator(spec.seed);
  const manifest: MaildirManifest = { messages: 0, bytes: 0, subjectMatches: 0, bodyMatches: 0, seen: 0 };
  for (let i = 1; i <= spec.count; i++) {
    const message = generator.message(i, spec.to, generator.drawSize(spec.mix));
    // Two thirds already read, as in a real inbox.
    const seen = i % 3 !== 0;
    const name = `${1_700_000_000 + i}.M${i}P${spec.seed}.bench,S=${message.data.length}:2,${seen ? 'S' : ''}`;
    writeFileSync(join(building, 'cur', name), message.data);
    manifest.messages++;
    manifest.bytes += message.data.length;
    if (message.subjectHasWord) manifest.subjectMatches++;
    if (message.bodyHasWord) manifest.bodyMatches++;
    if (seen) manifest.seen++;
  }
  rmSync(path, { recursive: true, force: true });
  renameSync(building, path);
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return { path, manifest };
}
