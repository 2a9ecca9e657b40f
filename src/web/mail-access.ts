/**
 * Whose MailSort pages a caller may use: a signed-in user only their own, the administrator
 * anyone's. A user asking about someone else is refused the same way whether that address
 * exists or not.
 */
import { normalizeAddress } from '../admin/addresses.js';
import { isMailError } from '../store/errors.js';
import type { UserRecord } from '../store/types.js';
import { webError } from './http-errors.js';
import type { Principal } from './sessions.js';
import type { WebContext } from './web-context.js';

export async function mailUserFor(web: WebContext, principal: Principal | null, address: string): Promise<UserRecord> {
  if (!principal) throw webError('UNAUTHENTICATED', 'Please sign in first.');
  let normalized: string;
  try {
    normalized = normalizeAddress(address);
  } catch (err) {
    if (principal.role !== 'admin') throw webError('FORBIDDEN', 'You can only manage your own mail settings.');
    throw err;
  }
  if (principal.role === 'user' && principal.address !== normalized) throw webError('FORBIDDEN', 'You can only manage your own mail settings.');
  try {
    const user = await web.ctx.store.getUser(normalized);
    // A disabled account keeps no access through an old session or a user-scoped token.
    if (principal.role === 'user' && user.disabled) throw webError('UNAUTHENTICATED', 'This account is disabled.');
    return user;
  } catch (err) {
    // A user whose account was removed while signed in: their session is over.
    if (principal.role === 'user' && isMailError(err, 'MS_USER_REC_NOT_FOUND')) throw webError('UNAUTHENTICATED', 'Please sign in again.');
    throw err;
  }
}
