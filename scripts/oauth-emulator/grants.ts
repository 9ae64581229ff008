import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { EmulatedProvider } from "./clients.ts";

/** Authorization codes live this long and work once, like the real providers' (which allow 1-10 min). */
const CODE_TTL_MS = 60_000;
export const TOKEN_TTL_S = 3600;

/** What the browser asked for at the authorize endpoint, kept while the consent page is open. */
export type AuthorizationRequest = {
	provider: EmulatedProvider;
	clientId: string;
	redirectUri: string;
	scope: string;
	state: string | null;
	codeChallenge: string | null;
	nonce: string | null;
};

type CodeGrant = AuthorizationRequest & { userId: string; expiresAt: number; used: boolean };
export type AccessGrant = {
	provider: EmulatedProvider;
	clientId: string;
	userId: string;
	scope: string;
	expiresAt: number;
};

export type CodeCheck =
	| { ok: true; grant: CodeGrant }
	| {
			ok: false;
			reason: "unknown_code" | "code_used" | "code_expired" | "client_mismatch" | "redirect_mismatch" | "pkce_failed";
	  };

const randomToken = (prefix = "") => prefix + randomBytes(24).toString("base64url");

function sameString(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

/** In-memory grants: the emulator is a throwaway process, restarted with the dev server. */
export class GrantStore {
	private readonly pending = new Map<string, AuthorizationRequest>();
	private readonly codes = new Map<string, CodeGrant>();
	private readonly tokens = new Map<string, AccessGrant>();

	private readonly now: () => number;

	constructor(now: () => number = Date.now) {
		this.now = now;
	}

	openRequest(request: AuthorizationRequest): string {
		const id = randomToken();
		this.pending.set(id, request);
		return id;
	}

	/** A consent decision consumes the pending request, so a form cannot be submitted twice. */
	takeRequest(id: string): AuthorizationRequest | undefined {
		const request = this.pending.get(id);
		this.pending.delete(id);
		return request;
	}

	issueCode(request: AuthorizationRequest, userId: string): string {
		const code = randomToken();
		this.codes.set(code, { ...request, userId, expiresAt: this.now() + CODE_TTL_MS, used: false });
		return code;
	}

	/** Checks a code at the token endpoint. A code is spent by its first use, successful or not. */
	redeemCode(
		provider: EmulatedProvider,
		code: string,
		clientId: string,
		redirectUri: string | null,
		codeVerifier: string | null,
	): CodeCheck {
		const grant = this.codes.get(code);
		if (!grant || grant.provider !== provider) return { ok: false, reason: "unknown_code" };
		if (grant.used) {
			// RFC 6749 §4.1.2: a replayed code should revoke what it issued.
			this.revokeFor(grant);
			return { ok: false, reason: "code_used" };
		}
		grant.used = true;
		if (this.now() > grant.expiresAt) return { ok: false, reason: "code_expired" };
		if (grant.clientId !== clientId) return { ok: false, reason: "client_mismatch" };
		if (redirectUri !== null && redirectUri !== grant.redirectUri) return { ok: false, reason: "redirect_mismatch" };
		if (grant.codeChallenge !== null) {
			if (!codeVerifier) return { ok: false, reason: "pkce_failed" };
			const computed = createHash("sha256").update(codeVerifier).digest("base64url");
			if (!sameString(computed, grant.codeChallenge)) return { ok: false, reason: "pkce_failed" };
		}
		return { ok: true, grant };
	}

	issueToken(grant: CodeGrant, prefix: string): string {
		const token = randomToken(prefix);
		this.tokens.set(token, {
			provider: grant.provider,
			clientId: grant.clientId,
			userId: grant.userId,
			scope: grant.scope,
			expiresAt: this.now() + TOKEN_TTL_S * 1000,
		});
		return token;
	}

	/** The grant behind a bearer token from an `Authorization` header, if it is live and this provider's. */
	bearer(provider: EmulatedProvider, authorization: string | undefined): AccessGrant | null {
		const match = authorization?.match(/^(?:Bearer|token)\s+(\S+)$/i);
		const grant = match?.[1] ? this.tokens.get(match[1]) : undefined;
		if (!grant || grant.provider !== provider || this.now() > grant.expiresAt) return null;
		return grant;
	}

	private revokeFor(code: CodeGrant): void {
		for (const [token, grant] of this.tokens) {
			if (grant.clientId === code.clientId && grant.userId === code.userId) this.tokens.delete(token);
		}
	}
}
