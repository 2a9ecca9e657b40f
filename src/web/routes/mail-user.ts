/** A user's own settings outside the filter file: folders (to pick filter targets), password, recent INBOX messages. */
import { folders as folderList, recentMessages } from '../api-schemas.js';
import { z } from 'zod';
import { listVisibleMailboxes } from '../../mailboxes/access.js';
import type { Uid } from '../../store/types.js';
import { webError } from '../http-errors.js';
import { mailUserFor } from '../mail-access.js';
import type { ApiRouter } from '../router.js';
import type { WebContext } from '../web-context.js';
import { registerMailSortRoutes } from './mailsort.js';

export const mailParams = z.object({ address: z.string().trim().min(1).max(320) });

/** How many of the newest INBOX messages the filter test panel offers. */
export const RECENT_MESSAGES = 20;

export function registerMailRoutes(router: ApiRouter, web: WebContext): void {
  router.add({
    method: 'GET',
    url: '/api/mail/:address/folders',
    response: folderList,
    summary: "The user's folders and the shared mailboxes they may file into",
    tag: 'Mail user',
    access: 'signed-in',
    params: mailParams,
    errors: [403, 404],
    async handler({ params, principal }) {
      const user = await mailUserFor(web, principal, params.address);
      const folders = await listVisibleMailboxes(web.ctx.store, user);
      return { folders: folders.map((f) => ({ name: f.name, shared: f.info.owner.kind === 'shared', specialUse: f.info.specialUse })) };
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/mail/:address/password',
    summary: "Change the user's mail password (a user gives the current one; the admin need not)",
    tag: 'Mail user',
    access: 'signed-in',
    status: 204,
    params: mailParams,
    body: z.object({ currentPassword: z.string().max(1024).optional(), newPassword: z.string().min(1, 'enter the new password').max(1024) }),
    errors: [401, 403, 404],
    async handler({ params, principal, body, ip, session }) {
      const user = await mailUserFor(web, principal, params.address);
      if (principal?.role === 'user') {
        const ok = await web.ctx.auth.login(user.address, body.currentPassword ?? '', { ip, protocol: 'web' });
        if (!ok) throw webError('NOT_AUTHORIZED', 'The current password is not correct.');
      }
      await web.admin.setPassword(user.address, body.newPassword);
      web.sessions.destroyForUser(user.address, session?.id);
      return undefined;
    },
  });

  router.add({
    method: 'GET',
    url: '/api/mail/:address/messages',
    response: recentMessages,
    summary: `The newest ${RECENT_MESSAGES} messages in INBOX (for the filter test panel)`,
    tag: 'Mail user',
    access: 'signed-in',
    params: mailParams,
    errors: [403, 404],
    async handler({ params, principal }) {
      const user = await mailUserFor(web, principal, params.address);
      const inbox = await web.ctx.store.getMailbox({ kind: 'user', address: user.address }, 'INBOX');
      const metas = await web.ctx.store.listMessages(inbox.id);
      const uids: Uid[] = metas.slice(-RECENT_MESSAGES).map((m) => m.uid).reverse();
      const details = uids.length === 0 ? [] : await web.ctx.store.getMessageDetails(inbox.id, uids);
      const newestFirst = [...details].sort((a, b) => b.uid - a.uid);
      return {
        messages: newestFirst.map((d) => ({
          uid: d.uid,
          subject: d.index.headers.subject,
          from: d.index.headers.from,
          date: d.index.headers.date === null ? d.internalDate.toISOString() : new Date(d.index.headers.date).toISOString(),
          size: d.size,
        })),
      };
    },
  });


  registerMailSortRoutes(router, web);
}
