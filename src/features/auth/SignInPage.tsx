import { useQuery, useQueryClient } from "@tanstack/solid-query";
import { createSignal, Show } from "solid-js";
import { Button } from "../../components/ui/Button";
import { authClient } from "./auth-client";
import { EmailForm, type EmailMode } from "./EmailForm";
import { oauthErrorMessage } from "./oauth-errors";
import { ProviderButtons } from "./ProviderButtons";
import { safeRedirect } from "./safe-redirect";
import { authMethodsQuery, sessionQueryKey } from "./session-queries";

const HEADINGS: Record<EmailMode, string> = {
	"sign-in": "Sign in to Parlor",
	"sign-up": "Create your Parlor account",
	forgot: "Reset your password",
};

export function SignInPage(props: { redirect: string | undefined; error: string | undefined; notice?: string }) {
	const queryClient = useQueryClient();
	const methods = useQuery(() => authMethodsQuery);
	// An OAuth provider sends people back here with `?error=` when sign-in did not complete.
	const [error, setError] = createSignal<string | null>(props.error ? oauthErrorMessage(props.error) : null);
	const [notice, setNotice] = createSignal<string | null>(props.notice ?? null);
	const [busy, setBusy] = createSignal(false);
	const [mode, setMode] = createSignal<EmailMode>("sign-in");
	// Switching forms starts clean: an old error would seem to be about the new form.
	const switchMode = (next: EmailMode) => {
		setError(null);
		setMode(next);
	};

	async function continueWith(provider: "github" | "google" | "twitter") {
		setBusy(true);
		setError(null);
		// Better Auth answers with the provider's authorize URL and the client navigates there.
		const result = await authClient.signIn.social({
			provider,
			callbackURL: safeRedirect(props.redirect, window.location.origin),
			errorCallbackURL: "/sign-in",
		});
		if (result.error) {
			setBusy(false);
			setError(
				result.error.status === 429
					? "Too many sign-in attempts. Wait a few seconds and try again."
					: (result.error.message ?? "Could not start signing in."),
			);
		}
	}

	async function finish() {
		await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
		// A full navigation drops any state that belonged to the previous user.
		window.location.assign(safeRedirect(props.redirect, window.location.origin));
	}

	async function continueAsGuest() {
		setBusy(true);
		setError(null);
		const result = await authClient.signIn.anonymous();
		setBusy(false);
		if (result.error?.status === 429) {
			return setError("Too many new guests from your network recently. Try again later, or sign in another way.");
		}
		if (result.error) return setError(result.error.message ?? "Could not sign in as a guest.");
		await finish();
	}

	return (
		<main class="grid min-h-full place-items-center bg-zinc-50 px-4 py-10 dark:bg-zinc-950">
			<div class="w-full max-w-sm">
				<div class="mb-8 flex flex-col items-center text-center">
					<img src="/favicon.svg" alt="" class="size-12" />
					<h1 class="mt-4 text-2xl font-bold tracking-tight">{HEADINGS[mode()]}</h1>
					<p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Real-time rooms for your team.</p>
				</div>
				<div class="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
					<div class="flex flex-col gap-2">
						<ProviderButtons providers={methods.data?.providers ?? []} disabled={busy()} onSelect={continueWith} />
						<Button class="w-full" variant="secondary" disabled={busy()} onClick={continueAsGuest}>
							Continue as guest
						</Button>
					</div>
					<div class="my-5 flex items-center gap-3 text-xs text-zinc-500 dark:text-zinc-400" aria-hidden="true">
						<span class="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
						or use email
						<span class="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
					</div>
					<EmailForm
						mode={mode()}
						signUpOpen={methods.data?.emailSignUp ?? false}
						onMode={switchMode}
						onSignedIn={finish}
						onError={setError}
						onNotice={setNotice}
					/>
					<Show when={notice()}>
						{(message) => (
							<p
								role="status"
								class="mt-4 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
							>
								{message()}
							</p>
						)}
					</Show>
					<Show when={error()}>
						{(message) => (
							<p
								role="alert"
								class="mt-4 rounded-lg bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
							>
								{message()}
							</p>
						)}
					</Show>
				</div>
			</div>
		</main>
	);
}
