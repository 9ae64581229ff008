import { type QueryClient, queryOptions } from "@tanstack/solid-query";
import * as v from "valibot";
import { type AuthMethods, AuthMethodsSchema, MeResponseSchema, type SignedInMe } from "../../../api/protocol/http-api";

export const sessionQueryKey = ["session"] as const;

/** The signed-in user, or null when there is no session. */
export const sessionQuery = queryOptions({
	queryKey: sessionQueryKey,
	queryFn: async (): Promise<SignedInMe | null> => {
		const res = await fetch("/api/me", { credentials: "same-origin" });
		if (!res.ok) throw new Error(`Could not load your session (HTTP ${res.status}).`);
		const me = v.parse(MeResponseSchema, await res.json());
		return me.user ? { ...me, user: me.user } : null;
	},
	staleTime: 60_000,
});

/**
 * Whether the session is still alive, asked of the Worker (which checks the session store, not
 * the cookie). A network failure counts as alive: reconnecting will ask again, and signing
 * someone out because their train went into a tunnel would be wrong.
 */
export async function sessionAlive(queryClient: QueryClient): Promise<boolean> {
	try {
		const me = await queryClient.fetchQuery({ ...sessionQuery, staleTime: 0 });
		return me !== null;
	} catch {
		return true;
	}
}

/** Which sign-in methods the server offers; OAuth providers appear only when configured. */
export const authMethodsQuery = queryOptions({
	queryKey: ["auth-methods"] as const,
	queryFn: async (): Promise<AuthMethods> => {
		const res = await fetch("/api/auth-methods");
		if (!res.ok) throw new Error(`Could not load sign-in options (HTTP ${res.status}).`);
		return v.parse(AuthMethodsSchema, await res.json());
	},
	staleTime: Number.POSITIVE_INFINITY,
});
