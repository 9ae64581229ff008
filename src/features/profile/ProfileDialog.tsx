import { useQueryClient } from "@tanstack/solid-query";
import { createSignal, For, Show } from "solid-js";
import { MAX_NAME_LENGTH, nameProblem } from "../../../api/protocol/display-text";
import type { SignedInMe } from "../../../api/protocol/http-api";
import { Avatar } from "../../components/ui/Avatar";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { authClient } from "../auth/auth-client";
import { sessionQueryKey } from "../auth/session-queries";

const PROVIDER_NAMES: Record<string, string> = {
	github: "GitHub",
	google: "Google",
	twitter: "X",
	credential: "email",
};

/** Your own profile: the name others see (checked by the same rules as the server's), and your picture. */
export function ProfileDialog(props: { open: boolean; onClose: () => void; me: SignedInMe }) {
	const queryClient = useQueryClient();
	const [error, setError] = createSignal<string | null>(null);
	const [busy, setBusy] = createSignal(false);

	async function save(patch: { name?: string; image?: null }) {
		setBusy(true);
		setError(null);
		const result = await authClient.updateUser(patch);
		setBusy(false);
		if (result.error) return setError(result.error.message ?? "Could not save.");
		await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
	}

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		const name = String(new FormData(event.currentTarget as HTMLFormElement).get("name") ?? "").trim();
		const problem = nameProblem(name);
		if (problem) return setError(problem);
		await save({ name });
		if (!error()) props.onClose();
	}

	return (
		<Dialog open={props.open} onClose={props.onClose} title="Your profile">
			<div class="mb-4 flex items-center gap-3">
				<Avatar name={props.me.user.name} image={props.me.user.image} seed={props.me.user.id} />
				<div class="min-w-0 text-sm">
					<p class="text-zinc-600 dark:text-zinc-400">
						<Show when={!props.me.user.isGuest} fallback="Guest account">
							Signs in with{" "}
							<For each={props.me.signInMethods}>
								{(method, i) => (
									<>
										{i() > 0 ? ", " : ""}
										{PROVIDER_NAMES[method] ?? method}
									</>
								)}
							</For>
						</Show>
					</p>
					<Show when={props.me.user.image}>
						<button
							type="button"
							class="text-indigo-700 underline dark:text-indigo-300"
							onClick={() => save({ image: null })}
						>
							Remove picture
						</button>
					</Show>
				</div>
			</div>
			<form onSubmit={submit} class="space-y-3">
				<label class="block text-sm font-medium">
					Display name
					<input
						name="name"
						required
						maxLength={MAX_NAME_LENGTH}
						value={props.me.user.name}
						autocomplete="nickname"
						class="mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-indigo-600 dark:bg-zinc-950 dark:text-zinc-100 dark:ring-zinc-700"
					/>
				</label>
				<p class="text-xs text-zinc-600 dark:text-zinc-400">
					Up to {MAX_NAME_LENGTH} characters. Messages you already sent keep the name they were sent with.
				</p>
				<Show when={error()}>
					<p role="alert" class="text-sm text-rose-700 dark:text-rose-400">
						{error()}
					</p>
				</Show>
				<div class="flex justify-end gap-2">
					<Button variant="ghost" onClick={props.onClose}>
						Cancel
					</Button>
					<Button type="submit" disabled={busy()}>
						Save
					</Button>
				</div>
			</form>
		</Dialog>
	);
}
