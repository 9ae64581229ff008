import { createSignal, Show } from "solid-js";
import type { SignInProvider } from "../../../api/protocol/http-api";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { createQueryData } from "../../query-data";
import { authClient } from "../auth/auth-client";
import { ProviderButtons } from "../auth/ProviderButtons";
import { authMethodsQuery } from "../auth/session-queries";
import { claimWithEmail } from "./profile-queries";

const inputClass =
	"mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-950 dark:text-zinc-100 dark:ring-zinc-700";

/**
 * A guest turns into a real account and keeps everything: the same user, so their rooms, read
 * markers and messages stay theirs. With a provider the account is linked and takes its name
 * and picture; with email it gets an address and password, confirmed from the mail.
 */
export function KeepAccountDialog(props: { open: boolean; onClose: () => void }) {
	// Read through the cache signal: this dialog lives in the header, above the room's Suspense
	// boundary, where a query resource would re-suspend the page and reset the message list.
	// Asked for only once the dialog opens: at page load it would compete with the first paint.
	const { data: methods } = createQueryData(() => ({ ...authMethodsQuery, enabled: props.open }));
	const [busy, setBusy] = createSignal(false);
	const [error, setError] = createSignal<string | null>(null);
	const [notice, setNotice] = createSignal<string | null>(null);

	async function withProvider(provider: SignInProvider["id"]) {
		setBusy(true);
		setError(null);
		const result = await authClient.linkSocial({ provider, callbackURL: window.location.pathname });
		if (result.error) {
			setBusy(false);
			setError(result.error.message ?? "Could not reach the provider.");
		}
	}

	async function withEmail(event: SubmitEvent) {
		event.preventDefault();
		const form = new FormData(event.currentTarget as HTMLFormElement);
		setBusy(true);
		setError(null);
		try {
			setNotice(await claimWithEmail(String(form.get("email") ?? ""), String(form.get("password") ?? "")));
		} catch (e) {
			setError(e instanceof Error ? e.message : "Could not save the account.");
		} finally {
			setBusy(false);
		}
	}

	return (
		<Dialog open={props.open} onClose={props.onClose} title="Keep this account">
			<p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
				A guest account lasts only as long as this browser remembers it. Add a way to sign in and keep your rooms and
				messages.
			</p>
			<Show when={(methods()?.providers.length ?? 0) > 0}>
				<ProviderButtons providers={methods()?.providers ?? []} disabled={busy()} onSelect={withProvider} />
			</Show>
			<Show when={methods()?.emailSignUp}>
				<form onSubmit={withEmail} class="mt-4 space-y-3">
					<label class="block text-sm font-medium">
						Email
						<input name="email" type="email" required autocomplete="email" class={inputClass} />
					</label>
					<label class="block text-sm font-medium">
						Password
						<input
							name="password"
							type="password"
							required
							minLength={8}
							autocomplete="new-password"
							class={inputClass}
						/>
					</label>
					<Button type="submit" class="w-full" disabled={busy()}>
						Keep with email
					</Button>
				</form>
			</Show>
			<Show when={notice()}>
				<p
					role="status"
					class="mt-4 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
				>
					{notice()}
				</p>
			</Show>
			<Show when={error()}>
				<p role="alert" class="mt-4 rounded-lg bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
					{error()}
				</p>
			</Show>
			<div class="mt-4 flex justify-end">
				<Button variant="ghost" onClick={props.onClose}>
					Not now
				</Button>
			</div>
		</Dialog>
	);
}
