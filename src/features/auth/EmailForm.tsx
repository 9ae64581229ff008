import { createSignal, Show } from "solid-js";
import { Button } from "../../components/ui/Button";
import { authClient } from "./auth-client";

type Mode = "sign-in" | "sign-up";

const inputClass =
	"mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-950 dark:text-zinc-100 dark:ring-zinc-700";

export function EmailForm(props: { onSignedIn: () => Promise<void>; onError: (message: string | null) => void }) {
	const [mode, setMode] = createSignal<Mode>("sign-in");
	const [busy, setBusy] = createSignal(false);

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const form = new FormData(event.currentTarget as HTMLFormElement);
		const email = String(form.get("email") ?? "");
		const password = String(form.get("password") ?? "");
		setBusy(true);
		props.onError(null);
		const result =
			mode() === "sign-up"
				? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "").trim() })
				: await authClient.signIn.email({ email, password });
		setBusy(false);
		if (result.error) return props.onError(result.error.message ?? "Could not sign in.");
		await props.onSignedIn();
	}

	return (
		<form onSubmit={submit} class="space-y-4">
			<Show when={mode() === "sign-up"}>
				<label class="block text-sm font-medium">
					Name
					<input name="name" required maxLength={64} autocomplete="name" class={inputClass} />
				</label>
			</Show>
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
					autocomplete={mode() === "sign-up" ? "new-password" : "current-password"}
					class={inputClass}
				/>
			</label>
			<Button type="submit" class="w-full" disabled={busy()}>
				{mode() === "sign-up" ? "Create account" : "Sign in with email"}
			</Button>
			<p class="text-center text-sm text-zinc-600 dark:text-zinc-400">
				<Show
					when={mode() === "sign-in"}
					fallback={
						<>
							Already have an account?{" "}
							<button
								type="button"
								class="font-semibold text-indigo-600 dark:text-indigo-400"
								onClick={() => setMode("sign-in")}
							>
								Sign in
							</button>
						</>
					}
				>
					New here?{" "}
					<button
						type="button"
						class="font-semibold text-indigo-600 dark:text-indigo-400"
						onClick={() => setMode("sign-up")}
					>
						Create an account
					</button>
				</Show>
			</p>
		</form>
	);
}
