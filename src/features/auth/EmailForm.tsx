import { createSignal, Match, Show, Switch } from "solid-js";
import { MAX_NAME_LENGTH } from "../../../api/protocol/display-text";
import { Button } from "../../components/ui/Button";
import { authClient } from "./auth-client";

export type EmailMode = "sign-in" | "sign-up" | "forgot";

const inputClass =
	"mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-950 dark:text-zinc-100 dark:ring-zinc-700";

const linkClass = "font-semibold text-indigo-700 dark:text-indigo-300";

/**
 * Email sign-in, sign-up and "forgot password". A new address is confirmed by a link before it
 * signs anyone in, and sign-up says the same ("check your inbox") whether or not the address
 * already has an account, so the form cannot be used to find out who uses Parlor.
 */
export function EmailForm(props: {
	mode: EmailMode;
	signUpOpen: boolean;
	onMode: (mode: EmailMode) => void;
	onSignedIn: () => Promise<void>;
	onError: (message: string | null) => void;
	onNotice: (message: string | null) => void;
}) {
	const [busy, setBusy] = createSignal(false);

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const form = new FormData(event.currentTarget as HTMLFormElement);
		const email = String(form.get("email") ?? "").trim();
		const password = String(form.get("password") ?? "");
		setBusy(true);
		props.onError(null);
		props.onNotice(null);
		try {
			if (props.mode === "forgot") {
				const result = await authClient.requestPasswordReset({ email, redirectTo: "/reset-password" });
				if (result.error) return props.onError(result.error.message ?? "Could not send the reset link.");
				props.onNotice(`If ${email} has a Parlor account, a link to choose a new password is on its way.`);
				return props.onMode("sign-in");
			}
			if (props.mode === "sign-up") {
				const name = String(form.get("name") ?? "").trim();
				const result = await authClient.signUp.email({ email, password, name, callbackURL: "/" });
				if (result.error) return props.onError(result.error.message ?? "Could not create the account.");
				props.onNotice(`Check your inbox: we sent a link to ${email}. Open it to finish signing up.`);
				return props.onMode("sign-in");
			}
			const result = await authClient.signIn.email({ email, password, callbackURL: "/" });
			if (result.error?.status === 403) {
				return props.onNotice(`Confirm your address first: we sent a new link to ${email}.`);
			}
			if (result.error) return props.onError(result.error.message ?? "Could not sign in.");
			await props.onSignedIn();
		} finally {
			setBusy(false);
		}
	}

	return (
		<form onSubmit={submit} class="space-y-4">
			<Show when={props.mode === "sign-up"}>
				<label class="block text-sm font-medium">
					Name
					<input name="name" required maxLength={MAX_NAME_LENGTH} autocomplete="name" class={inputClass} />
				</label>
			</Show>
			<label class="block text-sm font-medium">
				Email
				<input name="email" type="email" required autocomplete="email" class={inputClass} />
			</label>
			<Show when={props.mode !== "forgot"}>
				<label class="block text-sm font-medium">
					Password
					<input
						name="password"
						type="password"
						required
						minLength={8}
						autocomplete={props.mode === "sign-up" ? "new-password" : "current-password"}
						class={inputClass}
					/>
				</label>
			</Show>
			<Button type="submit" class="w-full" disabled={busy()}>
				<Switch>
					<Match when={props.mode === "sign-up"}>Create account</Match>
					<Match when={props.mode === "forgot"}>Send reset link</Match>
					<Match when={props.mode === "sign-in"}>Sign in with email</Match>
				</Switch>
			</Button>
			<div class="space-y-1 text-center text-sm text-zinc-600 dark:text-zinc-400">
				<Switch>
					<Match when={props.mode === "sign-in"}>
						<Show when={props.signUpOpen}>
							<p>
								New here?{" "}
								<button type="button" class={linkClass} onClick={() => props.onMode("sign-up")}>
									Create an account
								</button>
							</p>
						</Show>
						<p>
							<button type="button" class={linkClass} onClick={() => props.onMode("forgot")}>
								Forgot your password?
							</button>
						</p>
					</Match>
					<Match when={props.mode !== "sign-in"}>
						<p>
							{props.mode === "sign-up" ? "Already have an account? " : ""}
							<button type="button" class={linkClass} onClick={() => props.onMode("sign-in")}>
								{props.mode === "sign-up" ? "Sign in" : "Back to sign in"}
							</button>
						</p>
					</Match>
				</Switch>
			</div>
		</form>
	);
}
