/**
 * Serves the browser UI (plain HTML, CSS and ES modules under src/web/ui/). The directory is
 * found next to this module, or, when running compiled code from dist/ (tsc copies no assets),
 * at src/web/ui. Only files found there at start-up are served: no request path ever reaches
 * the file system.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { findUp } from './find-up.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const MAX_FILES = 500;

/** The UI directory: beside this module, else the source tree's (for compiled code in dist/). */
export function findUiDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'ui');
  if (existsSync(join(beside, 'index.html'))) return beside;
  const index = findUp(join('src', 'web', 'ui', 'index.html'), here);
  if (index) return dirname(index);
  throw new Error(`the web UI files were not found (looked in ${beside} and src/web/ui above ${here})`);
}

function collect(dir: string, root: string, out: Map<string, string>): void {
  for (const name of readdirSync(dir).sort()) {
    if (out.size >= MAX_FILES) return;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, root, out);
    else if (TYPES[extname(name)]) out.set(relative(root, path).split(sep).join('/'), path);
  }
}

export function serveUi(app: FastifyInstance, uiDir: string): void {
  const files = new Map<string, string>();
  collect(uiDir, uiDir, files);
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const [name, path] of files) assets.set(name, { type: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(path) });

  const send = (name: string) => assets.get(name);
  app.get('/', async (_request, reply) => {
    const index = send('index.html');
    if (!index) return reply.code(404).send();
    return reply.type(index.type).header('cache-control', 'no-cache').send(index.body);
  });
  app.get('/ui/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = send(name);
    if (!asset || name === 'index.html') return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
}
