// The one way the UI talks to the server: JSON over the REST API, with the session's CSRF token
// on every change. Errors come back as ApiError with the server's code and readable message.

let csrfToken = null;
/** @type {(() => void) | null} */
let onSignedOut = null;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function setCsrfToken(token) {
  csrfToken = token ?? null;
}

/** Called when the server says the session is over (401 on anything but sign-in). */
export function onSessionEnded(callback) {
  onSignedOut = callback;
}

export const enc = encodeURIComponent;

/**
 * @param {'GET'|'POST'|'PUT'|'PATCH'|'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check the connection and try again.');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data && data.error ? data.error : null;
    const apiError = new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `The server answered with status ${response.status}.`, error?.details);
    if (response.status === 401 && apiError.code === 'UNAUTHENTICATED' && onSignedOut) onSignedOut();
    throw apiError;
  }
  return data;
}
