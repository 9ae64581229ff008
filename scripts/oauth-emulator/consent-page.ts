import type { EmulatorUser } from "./users.ts";

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.25rem}.note{color:#59636e;font-size:.875rem}fieldset{border:1px solid #d1d9e0;border-radius:.5rem;padding:.75rem}
label{display:flex;gap:.5rem;align-items:center;padding:.25rem 0}.actions{display:flex;gap:.5rem;margin-top:1rem}
button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #d1d9e0;background:#f6f8fa;cursor:pointer}
button[value=allow]{background:#1f883d;color:#fff;border-color:#1f883d}`;

function page(title: string, body: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The provider's consent screen: pick an account, then authorize or cancel. */
export function consentPage(options: {
	title: string;
	action: string;
	requestId: string;
	scope: string;
	users: EmulatorUser[];
}): string {
	const accounts = options.users
		.map(
			(user, i) =>
				`<label><input type="radio" name="user" value="${escapeHtml(user.id)}"${i === 0 ? " checked" : ""}> ${escapeHtml(user.name)} <span class="note">@${escapeHtml(user.login)}${user.email ? ` · ${escapeHtml(user.email)}` : " · no email"}</span></label>`,
		)
		.join("");
	return page(
		`${options.title}: authorize Parlor`,
		`<h1>${escapeHtml(options.title)}</h1>
<p><strong>Parlor</strong> wants to sign you in.</p>
<p class="note">Requested scopes: ${escapeHtml(options.scope || "(none)")}</p>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="request" value="${escapeHtml(options.requestId)}">
<fieldset><legend>Account</legend>${accounts}</fieldset>
<div class="actions"><button type="submit" name="decision" value="allow">Authorize Parlor</button>
<button type="submit" name="decision" value="deny">Cancel</button></div>
</form>
<p class="note">Local OAuth emulator: no real account is involved.</p>`,
	);
}

export function errorPage(title: string, code: string, message: string): string {
	return page(
		`${title}: error`,
		`<h1>${escapeHtml(title)}</h1><p><strong>${escapeHtml(code)}</strong>: ${escapeHtml(message)}</p>`,
	);
}
