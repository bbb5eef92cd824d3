// HTML of the provider's own pages: sign-in (a person can use it in a browser), device-code entry, errors.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f3f4f6;display:flex;justify-content:center;padding-top:8vh;margin:0}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:320px;max-width:420px}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;box-sizing:border-box;padding:.5rem}
button{margin-top:1.2rem;padding:.5rem 1.2rem}.error{color:#b91c1c}.hint{color:#555;font-size:.85rem}
.actions{display:flex;gap:.8rem;align-items:center}
</style></head><body><main>${body}</main></body></html>`;
}

export interface LoginPageOptions {
  uid: string;
  clientName: string;
  scopes: string;
  error?: string;
  /** Prefilled login name (e.g. the `login_hint`). */
  login?: string;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return page(
    'Sign in — Mailroom Test Identity Provider',
    `<h1>Sign in to Mailroom Test IdP</h1>
<p><strong>${escapeHtml(options.clientName)}</strong> asks for: <code>${escapeHtml(options.scopes)}</code></p>
${error}
<form method="post" action="/interaction/${escapeHtml(options.uid)}/login" autocomplete="off">
<label for="username">Username or email</label>
<input id="username" name="username" required autofocus value="${escapeHtml(options.login ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<div class="actions"><button type="submit" id="sign-in">Sign in</button>
<button type="submit" id="deny" formaction="/interaction/${escapeHtml(options.uid)}/abort" formnovalidate>Deny</button></div>
</form>
<p class="hint">Test accounts: alice / alice-password, bob / bob-password.</p>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** Marks the device flow's final page, so that a scripted browser knows the flow is complete. */
export const DEVICE_FLOW_DONE_MARKER = 'data-device-flow="done"';

export function renderDeviceSuccessPage(): string {
  return page('Signed in', `<h1 ${DEVICE_FLOW_DONE_MARKER}>Signed in</h1><p>You can close this window and return to your device.</p>`);
}

export function renderUserCodeInputPage(form: string, error?: string): string {
  const errorHtml = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  return page(
    'Device sign-in',
    `<h1>Device sign-in</h1>${errorHtml}<p>Enter the code shown on your device.</p>${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

export function renderUserCodeConfirmPage(form: string, clientName: string, userCode: string): string {
  return page(
    'Confirm device',
    `<h1>Confirm device</h1><p><strong>${escapeHtml(clientName)}</strong> shows the code <code>${escapeHtml(userCode)}</code>.</p>${form}
<div class="actions"><button type="submit" form="op.deviceConfirmForm" id="confirm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes" id="deny">Deny</button></div>`,
  );
}
