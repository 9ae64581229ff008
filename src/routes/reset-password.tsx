import { createFileRoute, useNavigate } from "@tanstack/solid-router";
import { createSignal, Show } from "solid-js";
import * as v from "valibot";
import { Button } from "../components/ui/Button";
import { authClient } from "../features/auth/auth-client";
import { oauthErrorMessage } from "../features/auth/oauth-errors";

export const Route = createFileRoute("/reset-password")({
	// Better Auth sends the link here with `?token=`, or `?error=` when the link was bad.
	validateSearch: v.object({ token: v.optional(v.string()), error: v.optional(v.string()) }),
	component: ResetPasswordPage,
});

/** Where a password reset link lands: choose a new password, then sign in with it. */
function ResetPasswordPage() {
	const search = Route.useSearch();
	const navigate = useNavigate();
	const [error, setError] = createSignal<string | null>(
		search().error ? oauthErrorMessage(search().error ?? "") : null,
	);
	const [busy, setBusy] = createSignal(false);

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const token = search().token;
		if (!token) return setError("This page needs the link from the email. Ask for a new one.");
		const newPassword = String(new FormData(event.currentTarget as HTMLFormElement).get("password") ?? "");
		setBusy(true);
		const result = await authClient.resetPassword({ newPassword, token });
		setBusy(false);
		if (result.error) return setError(oauthErrorMessage("INVALID_TOKEN"));
		await navigate({ to: "/sign-in", search: { notice: "password_reset" } });
	}

	return (
		<main class="grid min-h-full place-items-center bg-zinc-50 px-4 py-10 dark:bg-zinc-950">
			<div class="w-full max-w-sm rounded-2xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
				<h1 class="mb-4 text-xl font-bold tracking-tight">Choose a new password</h1>
				<form onSubmit={submit} class="space-y-4">
					<label class="block text-sm font-medium">
						New password
						<input
							name="password"
							type="password"
							required
							minLength={8}
							autocomplete="new-password"
							class="mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-950 dark:text-zinc-100 dark:ring-zinc-700"
						/>
					</label>
					<Button type="submit" class="w-full" disabled={busy()}>
						Save password
					</Button>
				</form>
				<Show when={error()}>
					<p role="alert" class="mt-4 rounded-lg bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
						{error()}
					</p>
				</Show>
			</div>
		</main>
	);
}
