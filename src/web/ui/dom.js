// Building the page from data without ever parsing it as HTML: every value from a user or a
// message becomes a text node or an attribute value, so markup in it is shown, never run.

/**
 * h('button', { class: 'primary', onclick: fn }, 'Save') -> HTMLButtonElement.
 * Children: strings/numbers (text), nodes, arrays, null/false (skipped).
 * @param {string} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
      continue;
    }
    if (key === 'class') el.className = String(value);
    else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'indeterminate') /** @type {any} */ (el)[key] = value;
    else if (key === 'href' && !/^(#|\/|https?:|mailto:)/.test(String(value))) continue;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Node} el @param {unknown[]} children */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** @param {Node} el @param {...unknown} children */
export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

let idCounter = 0;
/** @param {string} prefix */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * A labelled form control with optional hint; the hint and any error are tied to it by aria-describedby.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {{ hint?: string, required?: boolean }} [options]
 */
export function field(label, control, options = {}) {
  const id = control.id || uid('f');
  control.id = id;
  const hintId = options.hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  if (options.required) control.setAttribute('required', '');
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, options.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hintId ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
  );
}

/** A message box inside a form or page: role=alert for errors so screen readers announce it. */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** Shows a short confirmation in the live region; it fades after a few seconds. */
export function toast(message, kind = 'success') {
  const region = document.getElementById('toasts');
  if (!region) return;
  const item = h('div', { class: `toast toast-${kind}` }, message);
  region.appendChild(item);
  setTimeout(() => item.remove(), 5000);
}

/**
 * A modal confirmation. Resolves true only on the confirm button; Escape or Cancel resolve false.
 * @param {{ title: string, message: unknown, confirm: string, danger?: boolean }} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog(options) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const cancel = h('button', { type: 'button', class: 'button' }, 'Cancel');
    const ok = h('button', { type: 'button', class: options.danger ? 'button danger' : 'button primary' }, options.confirm);
    const dialog = /** @type {HTMLDialogElement} */ (
      h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, h('h2', { id: titleId }, options.title), h('div', { class: 'dialog-body' }, options.message), h('div', { class: 'actions' }, cancel, ok))
    );
    const finish = (/** @type {boolean} */ answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** Formats a byte count for people. */
export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Disables a button while an action runs, so a double click does not send twice. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
