/** Finds a path relative to this module or one of the directories above it (source tree, dist/, any build directory). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LEVELS = 6;

/** The first `<dir>/<relative>` that exists, from this module's directory upwards; null when none does. */
export function findUp(relative: string, from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let level = 0; level <= MAX_LEVELS; level++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
