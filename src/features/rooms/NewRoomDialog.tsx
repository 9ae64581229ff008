import { useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { createEffect, createSignal, Show } from "solid-js";
import { ROOM_NAME_MAX, type RoomVisibility } from "../../../api/protocol/http-api";
import { roomSlug } from "../../../api/protocol/room-id";
import { Button } from "../../components/ui/Button";
import { createRoom, roomListKey } from "./room-queries";

/** A modal form: name, public or private. The slug preview shows the room's address before it exists. */
export function NewRoomDialog(props: { open: boolean; onClose: () => void; onCreated: () => void }) {
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const [name, setName] = createSignal("");
	const [visibility, setVisibility] = createSignal<RoomVisibility>("public");
	const [error, setError] = createSignal<string | null>(null);
	const [busy, setBusy] = createSignal(false);
	let dialog: HTMLDialogElement | undefined;

	createEffect(() => {
		if (props.open && !dialog?.open) {
			setName("");
			setError(null);
			setVisibility("public");
			dialog?.showModal();
		} else if (!props.open && dialog?.open) dialog.close();
	});

	async function submit(event: SubmitEvent) {
		event.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const room = await createRoom({ name: name(), visibility: visibility() });
			await queryClient.invalidateQueries({ queryKey: roomListKey });
			props.onClose();
			props.onCreated();
			await navigate({ to: "/rooms/$roomId", params: { roomId: room.id } });
		} catch (e) {
			setError(e instanceof Error ? e.message : "The room could not be created.");
		} finally {
			setBusy(false);
		}
	}

	return (
		<dialog
			ref={dialog}
			aria-labelledby="new-room-title"
			class="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40 dark:bg-zinc-900 dark:text-zinc-100"
			onClose={props.onClose}
		>
			<form class="space-y-4" onSubmit={submit}>
				<h2 id="new-room-title" class="text-lg font-semibold">
					New room
				</h2>
				<div class="space-y-1">
					<label for="room-name" class="text-sm font-medium">
						Room name
					</label>
					<input
						id="room-name"
						required
						maxLength={ROOM_NAME_MAX}
						autocomplete="off"
						class="w-full rounded-lg bg-zinc-100 px-3 py-2 ring-1 ring-zinc-300 outline-none focus:ring-2 focus:ring-indigo-500 dark:bg-zinc-800 dark:ring-zinc-700"
						value={name()}
						onInput={(e) => setName(e.currentTarget.value)}
					/>
					<p class="text-xs text-zinc-500 dark:text-zinc-400">
						<Show when={roomSlug(name())} fallback="Use at least one letter or digit.">
							{(slug) => (
								<>
									Address: /rooms/{slug()}
									{visibility() === "private" ? "-…" : ""}
								</>
							)}
						</Show>
					</p>
				</div>
				<fieldset class="space-y-2">
					<legend class="text-sm font-medium">Who can join</legend>
					<label class="flex items-start gap-2 text-sm">
						<input
							type="radio"
							name="visibility"
							checked={visibility() === "public"}
							onChange={() => setVisibility("public")}
						/>
						<span>
							<span class="font-medium">Public</span>: anyone signed in can find and join it
						</span>
					</label>
					<label class="flex items-start gap-2 text-sm">
						<input
							type="radio"
							name="visibility"
							checked={visibility() === "private"}
							onChange={() => setVisibility("private")}
						/>
						<span>
							<span class="font-medium">Private</span>: only people with an invite link
						</span>
					</label>
				</fieldset>
				<Show when={error()}>
					<p role="alert" class="text-sm text-rose-600 dark:text-rose-400">
						{error()}
					</p>
				</Show>
				<div class="flex justify-end gap-2">
					<Button variant="ghost" onClick={props.onClose}>
						Cancel
					</Button>
					<Button type="submit" disabled={busy()}>
						Create room
					</Button>
				</div>
			</form>
		</dialog>
	);
}
