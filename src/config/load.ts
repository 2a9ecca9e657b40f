/**
 * Loading the configuration: defaults <- the file (--config / MSGSTORE_CONFIG) <- MSGSTORE_*
 * environment variables <- command-line flags. The result is validated once; a bad key or
 * value stops the start with a message that names the key, where it came from and what is allowed.
 */
import { readFileSync } from 'node:fs';
import type { ZodError } from 'zod';
import { configSchema, type Config, type ConfigInput } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Removes // and /* *\/ comments outside strings, so the example file can be annotated. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const block = text.slice(i, end < 0 ? text.length : end + 2);
      out += block.replace(/[^\n]/g, ' '); // keep line numbers for JSON errors
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function readConfigFile(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${path}: ${(err as Error).message}`);
  }
  let value: Json;
  try {
    value = JSON.parse(stripJsonComments(text)) as Json;
  } catch (err) {
    throw new ConfigError(`configuration file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`configuration file ${path} must hold one JSON object`);
  return value;
}

const toCamel = (snake: string) => snake.toLowerCase().replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase());

/** Shortcuts that read better than the generic MSGSTORE_A__B_C form. */
const ENV_SHORTCUTS: Record<string, string[]> = {
  MSGSTORE_DATA: ['dataDir'],
  MSGSTORE_HOST: ['host'],
  MSGSTORE_LOG_LEVEL: ['log', 'level'],
};

function parseEnvValue(raw: string): Json {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+$/.test(raw) && raw.length < 16) return Number(raw);
  return raw;
}

/** MSGSTORE_LISTENERS__IMAP__PORT=1143 sets listeners.imap.port; MSGSTORE_DATA sets dataDir. */
export function configFromEnv(env: NodeJS.ProcessEnv): { values: JsonObject; sources: Map<string, string> } {
  const values: JsonObject = {};
  const sources = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('MSGSTORE_') || raw === undefined || name === 'MSGSTORE_CONFIG') continue;
    const path = ENV_SHORTCUTS[name] ?? name.slice('MSGSTORE_'.length).split('__').map(toCamel);
    setPath(values, path, parseEnvValue(raw));
    sources.set(path.join('.'), `environment variable ${name}`);
  }
  return { values, sources };
}

export function setPath(target: JsonObject, path: string[], value: Json): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function deepMerge(base: JsonObject, extra: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)
        ? deepMerge(current, value)
        : value;
  }
  return out;
}

function describeIssues(error: ZodError, sources: Map<string, string>, file: string | undefined): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      const where = sources.get(key) ?? (file ? `file ${file}` : 'defaults');
      if (issue.code === 'unrecognized_keys') {
        const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
        return issue.keys
          .map((k) => `unknown key ${prefix + k} (${sources.get(prefix + k) ?? where}); see msgstore.example.jsonc for the keys allowed`)
          .join('\n');
      }
      return `${key}: ${issue.message} (${where})`;
    })
    .join('\n');
}

export interface LoadOptions {
  /** Configuration file; falls back to MSGSTORE_CONFIG. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, as a partial configuration. */
  flags?: ConfigInput;
  /** Where each flag value came from, for messages ("--imap-port"). */
  flagSources?: Map<string, string>;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.MSGSTORE_CONFIG;
  let merged: JsonObject = file ? readConfigFile(file) : {};
  const fromEnv = configFromEnv(env);
  merged = deepMerge(merged, fromEnv.values);
  merged = deepMerge(merged, (options.flags ?? {}) as JsonObject);
  const sources = new Map([...fromEnv.sources, ...(options.flagSources ?? new Map<string, string>())]);
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(`invalid configuration:\n${describeIssues(result.error, sources, file)}`);
  return result.data;
}
