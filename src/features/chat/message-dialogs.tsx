import { createResource, createSignal, For, Show } from "solid-js";
import { MessageVersionsSchema } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { must, request } from "../../api-request";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { fullTime } from "./relative-time";

/**
 * Confirms a delete. Someone else's message (deleted by the owner or a moderator) takes an
 * optional reason, which goes in the room's moderation log.
 */
export function DeleteDialog(props: {
	message: ChatMessage;
	asModerator: boolean;
	onConfirm: (reason?: string) => void;
	onClose: () => void;
}) {
	const [reason, setReason] = createSignal("");
	return (
		<Dialog
			open
			onClose={props.onClose}
			title={props.asModerator ? "Delete this message as a moderator?" : "Delete this message?"}
		>
			<form
				class="space-y-3"
				onSubmit={(e) => {
					e.preventDefault();
					props.onConfirm(reason().trim() || undefined);
				}}
			>
				<p class="text-sm text-zinc-600 dark:text-zinc-400">
					Everyone will see that a message was deleted, but not what it said.
				</p>
				<blockquote
					dir="auto"
					class="line-clamp-3 rounded-md bg-zinc-100 px-3 py-2 text-sm [unicode-bidi:isolate] dark:bg-zinc-800"
				>
					{props.message.text}
				</blockquote>
				<Show when={props.asModerator}>
					<label class="block space-y-1 text-sm">
						<span class="font-medium">Reason (optional, kept in the moderation log)</span>
						<input
							class="w-full rounded-md bg-white px-2 py-1.5 ring-1 ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
							maxLength={200}
							value={reason()}
							onInput={(e) => setReason(e.currentTarget.value)}
						/>
					</label>
				</Show>
				<div class="flex justify-end gap-2">
					<Button variant="secondary" onClick={props.onClose}>
						Cancel
					</Button>
					<Button variant="danger" type="submit">
						Delete
					</Button>
				</div>
			</form>
		</Dialog>
	);
}

/** The texts an edited message had, oldest first, each with when it was written, then the current one. */
export function VersionsDialog(props: { roomId: string; message: ChatMessage; onClose: () => void }) {
	const [versions] = createResource(
		() => props.message.id,
		(id) =>
			must(
				request(
					`/api/rooms/${encodeURIComponent(props.roomId)}/messages/${encodeURIComponent(id)}/versions`,
					MessageVersionsSchema,
				),
			),
	);
	return (
		<Dialog open onClose={props.onClose} title="Edit history">
			<Show when={!versions.error} fallback={<p class="text-sm">The earlier versions could not be loaded.</p>}>
				<Show when={versions()} fallback={<p class="text-sm text-zinc-500">Loading…</p>}>
					{(v) => (
						<ol class="space-y-3 text-sm" data-testid="versions">
							<For each={v().versions}>
								{(version) => (
									<li>
										<p class="text-xs text-zinc-500 dark:text-zinc-400">{fullTime(version.at)}</p>
										<p dir="auto" class="whitespace-pre-wrap break-words [unicode-bidi:isolate]">
											{version.text}
										</p>
									</li>
								)}
							</For>
							<li>
								<p class="text-xs text-zinc-500 dark:text-zinc-400">
									Now, since {fullTime(props.message.editedAt ?? props.message.createdAt)}
								</p>
								<p dir="auto" class="whitespace-pre-wrap break-words font-medium [unicode-bidi:isolate]">
									{props.message.text}
								</p>
							</li>
						</ol>
					)}
				</Show>
			</Show>
			<div class="mt-4 flex justify-end">
				<Button variant="secondary" onClick={props.onClose}>
					Close
				</Button>
			</div>
		</Dialog>
	);
}
