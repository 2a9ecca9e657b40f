/**
 * A user's MailSort settings: filter blocks as structured JSON (list, create, update, delete,
 * reorder, enable/disable), the raw filter file (syntax errors answered as line:column), the
 * vacation message, and the test panel.
 */
import { filterCheck, filterFile, filterTestResult, rulesListing, vacationReply } from '../api-schemas.js';
import { z } from 'zod';
import { checkFilterText, insertRule, listRules, moveRule, removeRule, removeVacation, replaceRule, setRuleEnabled, setVacation, getVacation } from '../../mailsort/index.js';
import { asUid } from '../../store/types.js';
import { FilterFiles, listing } from '../filter-files.js';
import { testFilter } from '../filter-test.js';
import { webError } from '../http-errors.js';
import { mailUserFor } from '../mail-access.js';
import type { ApiRouter } from '../router.js';
import { ruleSchema, toRule, toVacation, vacationSchema, vacationToJson } from '../rules-json.js';
import type { WebContext } from '../web-context.js';

const address = z.string().trim().min(1).max(320);
const params = z.object({ address });
const ruleParams = z.object({ address, index: z.coerce.number().int().min(0).max(100_000) });
const version = z.number().int().optional();

const MAX_FILTER_BYTES = 512 * 1024;
const MAX_TEST_MESSAGE_BYTES = 10 * 1024 * 1024;

export function registerMailSortRoutes(router: ApiRouter, web: WebContext): void {
  const files = new FilterFiles(web.ctx.store);
  const tag = 'MailSort';
  const errors = [403, 404, 409, 507];

  router.add({
    method: 'GET',
    url: '/api/mail/:address/rules',
    response: rulesListing,
    summary: 'The filter blocks (and vacation message) of the filter file; syntaxErrors when it does not parse',
    tag,
    access: 'signed-in',
    params,
    errors,
    async handler({ params, principal }) {
      const user = await mailUserFor(web, principal, params.address);
      return listing(await files.get(user.address));
    },
  });

  router.add({
    method: 'POST',
    url: '/api/mail/:address/rules',
    response: rulesListing,
    summary: 'Add a filter block (at the end, or as block number `position`); creates the file when there is none',
    tag,
    access: 'signed-in',
    status: 201,
    params,
    body: z.object({ rule: ruleSchema, position: z.number().int().min(0).optional(), version }),
    errors,
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      const saved = await files.edit(user.address, body.version, (text) => insertRule(text, body.position ?? listRules(text).length, toRule(body.rule)), true);
      return listing(saved);
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/mail/:address/rules/:index',
    response: rulesListing,
    summary: 'Replace one filter block; the rest of the file keeps its exact text',
    tag,
    access: 'signed-in',
    params: ruleParams,
    body: z.object({ rule: ruleSchema, version }),
    errors,
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      return listing(await files.edit(user.address, body.version, (text) => replaceRule(text, params.index, toRule(body.rule)), false));
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/mail/:address/rules/:index',
    response: rulesListing,
    summary: 'Delete one filter block',
    tag,
    access: 'signed-in',
    params: ruleParams,
    query: z.object({ version: z.coerce.number().int().optional() }),
    errors,
    async handler({ params, principal, query }) {
      const user = await mailUserFor(web, principal, params.address);
      return listing(await files.edit(user.address, query.version, (text) => removeRule(text, params.index), false));
    },
  });

  router.add({
    method: 'POST',
    url: '/api/mail/:address/rules/:index/move',
    response: rulesListing,
    summary: 'Move a filter block so it becomes block number `to`',
    tag,
    access: 'signed-in',
    params: ruleParams,
    body: z.object({ to: z.number().int().min(0), version }),
    errors,
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      return listing(await files.edit(user.address, body.version, (text) => moveRule(text, params.index, body.to), false));
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/mail/:address/rules/:index/enabled',
    response: rulesListing,
    summary: 'Turn a filter block on or off (only the word `disabled` changes in the file)',
    tag,
    access: 'signed-in',
    params: ruleParams,
    body: z.object({ enabled: z.boolean(), version }),
    errors,
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      return listing(await files.edit(user.address, body.version, (text) => setRuleEnabled(text, params.index, body.enabled), false));
    },
  });

  router.add({
    method: 'GET',
    url: '/api/mail/:address/filter',
    response: filterFile,
    summary: 'The raw filter file',
    tag,
    access: 'signed-in',
    params,
    errors,
    async handler({ params, principal }) {
      const user = await mailUserFor(web, principal, params.address);
      const file = await files.get(user.address);
      if (!file) throw webError('NOT_FOUND', 'There is no filter file yet.');
      return { text: file.text, version: file.version, updatedAt: file.updatedAt.toISOString() };
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/mail/:address/filter',
    response: filterFile,
    summary: 'Replace the raw filter file; a file with syntax errors is refused with their line:column',
    tag,
    access: 'signed-in',
    params,
    bodyLimit: MAX_FILTER_BYTES * 2,
    body: z.object({ text: z.string().max(MAX_FILTER_BYTES), version: version.nullable() }),
    errors,
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      const check = checkFilterText(body.text);
      if (!check.ok) {
        const first = check.errors[0];
        throw webError('FILTER_SYNTAX', `Syntax error in the filter file${first ? ` at line ${first.line}, column ${first.column}: ${first.message}` : ''}.`, check.errors);
      }
      const expected = body.version === null ? undefined : body.version;
      const saved = await files.put(user.address, expected, body.text);
      return { text: saved.text, version: saved.version, updatedAt: saved.updatedAt.toISOString() };
    },
  });

  router.add({
    method: 'POST',
    url: '/api/mail/:address/filter/check',
    response: filterCheck,
    summary: 'Check filter text without saving it',
    tag,
    access: 'signed-in',
    params,
    bodyLimit: MAX_FILTER_BYTES * 2,
    body: z.object({ text: z.string().max(MAX_FILTER_BYTES) }),
    errors: [403],
    async handler({ params, principal, body }) {
      await mailUserFor(web, principal, params.address);
      const check = checkFilterText(body.text);
      return check.ok ? { ok: true, errors: [] } : check;
    },
  });

  router.add({
    method: 'GET',
    url: '/api/mail/:address/vacation',
    response: vacationReply,
    summary: 'The vacation message (null when there is none)',
    tag,
    access: 'signed-in',
    params,
    errors,
    async handler({ params, principal }) {
      const user = await mailUserFor(web, principal, params.address);
      const file = await files.get(user.address);
      if (!file) return { vacation: null, version: null };
      const vacation = getVacation(file.text);
      return { vacation: vacation ? vacationToJson(vacation) : null, version: file.version };
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/mail/:address/vacation',
    response: vacationReply,
    summary: 'Save the vacation message (creates the filter file when there is none)',
    tag,
    access: 'signed-in',
    params,
    body: z.object({ vacation: vacationSchema, version }),
    errors,
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      const saved = await files.edit(user.address, body.version, (text) => setVacation(text, toVacation(body.vacation)), true);
      const vacation = getVacation(saved.text);
      return { vacation: vacation ? vacationToJson(vacation) : null, version: saved.version };
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/mail/:address/vacation',
    summary: 'Delete the vacation message',
    tag,
    access: 'signed-in',
    status: 204,
    params,
    errors,
    async handler({ params, principal }) {
      const user = await mailUserFor(web, principal, params.address);
      const file = await files.get(user.address);
      if (!file || getVacation(file.text) === null) throw webError('NOT_FOUND', 'There is no vacation message to delete.');
      await files.edit(user.address, undefined, (text) => removeVacation(text), false);
      return undefined;
    },
  });

  router.add({
    method: 'POST',
    url: '/api/mail/:address/test',
    response: filterTestResult,
    summary: 'Which block a message matches and what delivery would do (a pasted message, or the UID of one in INBOX)',
    tag,
    access: 'signed-in',
    params,
    bodyLimit: MAX_TEST_MESSAGE_BYTES * 2,
    body: z
      .object({ raw: z.string().min(1).max(MAX_TEST_MESSAGE_BYTES).optional(), uid: z.number().int().min(1).optional(), envelopeFrom: z.string().max(320).optional() })
      .refine((b) => (b.raw === undefined) !== (b.uid === undefined), 'give either a pasted message (raw) or the uid of an INBOX message'),
    errors: [403, 404],
    async handler({ params, principal, body }) {
      const user = await mailUserFor(web, principal, params.address);
      let raw: Buffer;
      if (body.uid !== undefined) {
        const inbox = await web.ctx.store.getMailbox({ kind: 'user', address: user.address }, 'INBOX');
        raw = await web.ctx.store.readMessage(inbox.id, asUid(body.uid));
      } else raw = Buffer.from(body.raw ?? '', 'utf8');
      return testFilter({ file: await files.get(user.address), user, raw, envelopeFrom: body.envelopeFrom, hostname: web.ctx.hostname, logger: web.ctx.logger });
    },
  });
}
