/**
 * The shapes of successful API answers, for the OpenAPI document (and checked against real
 * answers in the tests, so the document cannot drift from the code).
 */
import { z } from 'zod';
import { ruleSchema, vacationSchema } from './rules-json.js';

const iso = z.string().describe('ISO 8601 date and time');

export const sessionInfo = z.object({
  signedIn: z.boolean(),
  role: z.enum(['admin', 'user']).optional(),
  address: z.string().optional(),
  csrfToken: z.string().optional().describe('send it as X-CSRF-Token with every change'),
});

const mailboxSummary = z.object({ name: z.string(), messages: z.number(), unseen: z.number(), size: z.number(), specialUse: z.string().nullable() });

export const userProfile = z.object({
  address: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  home: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: iso,
  quota: z.object({ bytes: z.number(), messages: z.number(), limitBytes: z.number().nullable() }),
  mailboxes: z.array(mailboxSummary),
  shared: z.array(z.object({ address: z.string(), displayName: z.string() })),
});

export const userList = z.object({
  users: z.array(z.object({ address: z.string(), firstName: z.string(), lastName: z.string(), disabled: z.boolean(), shared: z.array(z.string()) })),
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
});

export const sharedProfile = z.object({
  address: z.string(),
  displayName: z.string(),
  home: z.string().nullable(),
  members: z.array(z.string()),
  createdAt: iso,
  mailboxes: z.array(mailboxSummary),
});

export const sharedList = z.object({ shared: z.array(sharedProfile) });

export const certificateSummary = z.object({
  subject: z.string(),
  issuer: z.string(),
  validFrom: iso,
  validTo: iso,
  fingerprint256: z.string(),
  selfSigned: z.boolean(),
  daysLeft: z.number(),
  expired: z.boolean(),
  expiresSoon: z.boolean().describe('true when it ends within 30 days'),
});

export const serverInfo = z.object({
  hostname: z.string(),
  versions: z.object({ msgstore: z.string(), node: z.string(), sqlite: z.string().nullable() }),
  startedAt: iso,
  listeners: z.array(z.object({ name: z.string(), enabled: z.boolean(), host: z.string(), port: z.number(), state: z.enum(['running', 'configured', 'stopped', 'off']) })),
  counts: z.object({ users: z.number(), sharedMailboxes: z.number(), outboundQueue: z.number(), oldestQueued: iso.nullable() }),
  certificate: certificateSummary,
});

const tokenScope = z.union([z.object({ role: z.literal('admin') }), z.object({ role: z.literal('user'), address: z.string() })]);
export const tokenInfo = z.object({ id: z.string(), name: z.string(), scope: tokenScope, createdAt: iso, lastUsedAt: iso.nullable() });
export const tokenList = z.object({ tokens: z.array(tokenInfo) });
export const tokenCreated = z.object({ token: z.string().describe('shown only in this answer'), info: tokenInfo });

const diagnostic = z.object({ line: z.number(), column: z.number(), message: z.string() });

export const rulesListing = z.object({
  exists: z.boolean().describe('false when the user has no filter file yet'),
  version: z.number().nullable(),
  updatedAt: iso.nullable(),
  rules: z.array(ruleSchema.extend({ index: z.number() })),
  vacation: vacationSchema.nullable(),
  syntaxErrors: z.array(diagnostic).optional().describe('present when the stored file does not parse'),
});

export const filterFile = z.object({ text: z.string(), version: z.number(), updatedAt: iso });
export const filterCheck = z.object({ ok: z.boolean(), errors: z.array(diagnostic) });
export const vacationReply = z.object({ vacation: vacationSchema.nullable(), version: z.number().nullable() });
export const folders = z.object({ folders: z.array(z.object({ name: z.string(), shared: z.boolean(), specialUse: z.string().nullable() })) });
export const recentMessages = z.object({ messages: z.array(z.object({ uid: z.number(), subject: z.string(), from: z.string(), date: iso, size: z.number() })) });

export const filterTestResult = z.object({
  noFilterFile: z.boolean(),
  matched: z.array(z.object({ index: z.number(), name: z.string() })),
  actions: z.array(z.object({ rule: z.number(), ruleName: z.string(), action: z.record(z.string(), z.unknown()) })),
  outcome: z.object({
    reject: z.string().nullable(),
    folders: z.array(z.string()),
    forwards: z.array(z.string()),
    vacation: z.object({ to: z.string(), subject: z.string() }).nullable(),
    notes: z.array(z.string()),
  }),
});
