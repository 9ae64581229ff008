import { createFileRoute } from "@tanstack/solid-router";
import * as v from "valibot";
import { SignInPage } from "../features/auth/SignInPage";
import { authMethodsQuery } from "../features/auth/session-queries";

export const Route = createFileRoute("/sign-in")({
	validateSearch: v.object({
		redirect: v.optional(v.string()),
		error: v.optional(v.string()),
		notice: v.optional(v.string()),
	}),
	// Provider buttons are part of the first paint, not a flash after it.
	loader: ({ context }) => context.queryClient.ensureQueryData(authMethodsQuery),
	component: SignInRoute,
});

function SignInRoute() {
	const search = Route.useSearch();
	// Notices are fixed texts chosen by code, never words from the address bar.
	const notice =
		search().notice === "password_reset" ? "Your password was changed. Sign in with the new one." : undefined;
	return <SignInPage redirect={search().redirect} error={search().error} notice={notice} />;
}
