/** Users and shared mailboxes for the administrator: thin adapters over the admin service. */
import { sharedList, sharedProfile, userList, userProfile } from '../api-schemas.js';
import { z } from 'zod';
import { normalizeAddress } from '../../admin/addresses.js';
import type { ApiRouter } from '../router.js';
import type { WebContext } from '../web-context.js';

const address = z.string().trim().min(1, 'an address is required').max(320);
const password = z.string().min(1, 'a password is required').max(1024);
const name = z.string().trim().max(200);
const home = z.string().trim().max(4096).nullable().optional();

const userParams = z.object({ address });
const sharedParams = z.object({ address });

export function registerAdminUserRoutes(router: ApiRouter, web: WebContext): void {
  const { admin, sessions } = web;

  router.add({
    method: 'GET',
    url: '/api/admin/users',
    response: userList,
    summary: 'List users, with paging and a search on address and names',
    tag: 'Users',
    access: 'admin',
    query: z.object({
      search: z.string().max(320).optional(),
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    async handler({ query }) {
      const search = query.search?.trim();
      const result = await admin.listUsers({ ...(search ? { search } : {}), offset: query.offset, limit: query.limit });
      return { ...result, offset: query.offset, limit: query.limit };
    },
  });

  router.add({
    method: 'POST',
    url: '/api/admin/users',
    response: userProfile,
    summary: 'Create a user (with the default folders)',
    tag: 'Users',
    access: 'admin',
    status: 201,
    errors: [409, 507],
    body: z.object({ address, firstName: name.optional(), lastName: name.optional(), password, home }),
    async handler({ body }) {
      return admin.addUser({
        address: body.address,
        password: body.password,
        ...(body.firstName === undefined ? {} : { firstName: body.firstName }),
        ...(body.lastName === undefined ? {} : { lastName: body.lastName }),
        home: body.home ? body.home : null,
      });
    },
  });

  router.add({
    method: 'GET',
    url: '/api/admin/users/:address',
    response: userProfile,
    summary: 'A user: names, home, quota use, personal folders with message counts, shared mailboxes',
    tag: 'Users',
    access: 'admin',
    params: userParams,
    errors: [404],
    handler: async ({ params }) => admin.showUser(params.address),
  });

  router.add({
    method: 'PATCH',
    url: '/api/admin/users/:address',
    response: userProfile,
    summary: "Change a user's names, quota or disabled flag",
    tag: 'Users',
    access: 'admin',
    params: userParams,
    errors: [404],
    body: z.object({ firstName: name.optional(), lastName: name.optional(), quotaBytes: z.number().int().min(0).nullable().optional(), disabled: z.boolean().optional() }),
    async handler({ params, body }) {
      const update = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const profile = await admin.updateUser(params.address, update);
      if (body.disabled) sessions.destroyForUser(profile.address);
      return profile;
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/admin/users/:address',
    summary: 'Delete a user and all of their mail',
    tag: 'Users',
    access: 'admin',
    status: 204,
    params: userParams,
    errors: [404],
    async handler({ params }) {
      await admin.removeUser(params.address);
      sessions.destroyForUser(normalizeAddress(params.address));
      return undefined;
    },
  });

  router.add({
    method: 'PUT',
    url: '/api/admin/users/:address/password',
    summary: "Set a user's password (signs the user out of the web UI)",
    tag: 'Users',
    access: 'admin',
    status: 204,
    params: userParams,
    body: z.object({ password }),
    errors: [404],
    async handler({ params, body }) {
      await admin.setPassword(params.address, body.password);
      sessions.destroyForUser(normalizeAddress(params.address));
      return undefined;
    },
  });

  router.add({
    method: 'POST',
    url: '/api/admin/users/:address/shared',
    response: userProfile,
    summary: 'Make the user a member of a shared mailbox',
    tag: 'Users',
    access: 'admin',
    params: userParams,
    body: z.object({ shared: address }),
    errors: [404, 409],
    async handler({ params, body }) {
      await admin.addSharedMember(body.shared, params.address);
      return admin.showUser(params.address);
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/admin/users/:address/shared/:shared',
    response: userProfile,
    summary: 'Take the user out of a shared mailbox',
    tag: 'Users',
    access: 'admin',
    params: z.object({ address, shared: address }),
    errors: [404],
    async handler({ params }) {
      await admin.removeSharedMember(params.shared, params.address);
      return admin.showUser(params.address);
    },
  });

  router.add({
    method: 'GET',
    url: '/api/admin/shared',
    response: sharedList,
    summary: 'List shared mailboxes with their members',
    tag: 'Shared mailboxes',
    access: 'admin',
    handler: async () => ({ shared: await admin.listShared() }),
  });

  router.add({
    method: 'POST',
    url: '/api/admin/shared',
    response: sharedProfile,
    summary: 'Create a shared mailbox with at least one member',
    tag: 'Shared mailboxes',
    access: 'admin',
    status: 201,
    errors: [404, 409, 507],
    body: z.object({ address, displayName: name.optional(), home, members: z.array(address).min(1, 'choose at least one member').max(10_000) }),
    async handler({ body }) {
      return admin.addShared({
        address: body.address,
        members: body.members,
        ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
        home: body.home ? body.home : null,
      });
    },
  });

  router.add({
    method: 'GET',
    url: '/api/admin/shared/:address',
    response: sharedProfile,
    summary: 'A shared mailbox: display name, home, members and folders',
    tag: 'Shared mailboxes',
    access: 'admin',
    params: sharedParams,
    errors: [404],
    handler: async ({ params }) => admin.showShared(params.address),
  });

  router.add({
    method: 'DELETE',
    url: '/api/admin/shared/:address',
    summary: 'Delete a shared mailbox and its mail',
    tag: 'Shared mailboxes',
    access: 'admin',
    status: 204,
    params: sharedParams,
    errors: [404],
    async handler({ params }) {
      await admin.removeShared(params.address);
      return undefined;
    },
  });

  router.add({
    method: 'POST',
    url: '/api/admin/shared/:address/members',
    response: sharedProfile,
    summary: 'Add a member',
    tag: 'Shared mailboxes',
    access: 'admin',
    params: sharedParams,
    body: z.object({ address }),
    errors: [404, 409],
    handler: async ({ params, body }) => admin.addSharedMember(params.address, body.address),
  });

  router.add({
    method: 'DELETE',
    url: '/api/admin/shared/:address/members/:member',
    response: sharedProfile,
    summary: 'Remove a member',
    tag: 'Shared mailboxes',
    access: 'admin',
    params: z.object({ address, member: address }),
    errors: [404],
    handler: async ({ params }) => admin.removeSharedMember(params.address, params.member),
  });
}
