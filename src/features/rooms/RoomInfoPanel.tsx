import { useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { DEFAULT_ROOM_ID } from "../../../api/protocol/room-id";
import type { Author } from "../../../api/protocol/room-protocol";
import { Button } from "../../components/ui/Button";
import { createQueryData } from "../../query-data";
import { ArchiveFacts } from "./ArchiveFacts";
import { Members, ModerationLog } from "./RoomMembers";
import {
	createInvite,
	inviteUrl,
	leaveRoom,
	revokeInvite,
	roomDetailsQuery,
	roomInvitesKey,
	roomInvitesQuery,
	roomListKey,
} from "./room-queries";

const numberFormat = new Intl.NumberFormat();

function bytes(n: number): string {
	if (n < 1024) return `${n} B`;
	if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
	if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
	return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function Fact(props: { label: string; value: string }) {
	return (
		<div class="flex justify-between gap-3 py-1">
			<dt class="text-zinc-500 dark:text-zinc-400">{props.label}</dt>
			<dd class="text-right font-medium">{props.value}</dd>
		</div>
	);
}

function Invites(props: { roomId: string }) {
	const queryClient = useQueryClient();
	const { data: invites } = createQueryData(() => roomInvitesQuery(props.roomId));
	const [copied, setCopied] = createSignal<string | null>(null);
	const [error, setError] = createSignal<string | null>(null);
	const refresh = () => queryClient.invalidateQueries({ queryKey: roomInvitesKey(props.roomId) });
	const expires = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
	return (
		<section aria-labelledby="invites-title" class="space-y-2">
			<h3 id="invites-title" class="text-sm font-semibold">
				Invite links
			</h3>
			<p class="text-xs text-zinc-500 dark:text-zinc-400">Anyone with a link can join until you revoke it.</p>
			<ul class="space-y-2">
				<For each={invites() ?? []}>
					{(invite) => (
						<li class="space-y-1">
							<input
								readOnly
								aria-label="Invite link"
								class="w-full rounded-md bg-zinc-100 px-2 py-1 font-mono text-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:ring-zinc-700"
								value={inviteUrl(invite.token)}
								onFocus={(e) => e.currentTarget.select()}
							/>
							<p class="text-xs text-zinc-600 dark:text-zinc-400">Works until {expires.format(invite.expiresAt)}</p>
							<div class="flex gap-2">
								<Button
									variant="secondary"
									class="px-2 py-1 text-xs"
									onClick={async () => {
										await navigator.clipboard?.writeText(inviteUrl(invite.token)).catch(() => undefined);
										setCopied(invite.token);
									}}
								>
									{copied() === invite.token ? "Copied" : "Copy"}
								</Button>
								<Button
									variant="ghost"
									class="px-2 py-1 text-xs"
									onClick={async () => {
										await revokeInvite(props.roomId, invite.token);
										await refresh();
									}}
								>
									Revoke
								</Button>
							</div>
						</li>
					)}
				</For>
			</ul>
			<Button
				variant="secondary"
				class="w-full"
				onClick={async () => {
					setError(null);
					try {
						await createInvite(props.roomId);
						await refresh();
					} catch (e) {
						setError(e instanceof Error ? e.message : "The invite link could not be made.");
					}
				}}
			>
				Create invite link
			</Button>
			<Show when={error()}>
				<p role="alert" class="text-xs text-rose-700 dark:text-rose-400">
					{error()}
				</p>
			</Show>
		</section>
	);
}

/** Everything about the room: who is in it, what it keeps, what it costs; invites and leaving. */
export function RoomInfoPanel(props: { roomId: string; present: Author[]; onClose: () => void }) {
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const { query: detailsQuery, data: details } = createQueryData(() => roomDetailsQuery(props.roomId));
	const presentIds = () => new Set(props.present.map((u) => u.id));
	const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

	// On a phone the panel covers the room: it takes focus, and Escape closes it (Back does too).
	let closeButton: HTMLButtonElement | undefined;
	onMount(() => closeButton?.focus());
	const onKey = (event: KeyboardEvent) => {
		if (event.key === "Escape" && !event.defaultPrevented) props.onClose();
	};
	document.addEventListener("keydown", onKey);
	onCleanup(() => document.removeEventListener("keydown", onKey));

	async function leave() {
		await leaveRoom(props.roomId);
		await queryClient.invalidateQueries({ queryKey: roomListKey });
		await navigate({ to: "/rooms/$roomId", params: { roomId: DEFAULT_ROOM_ID } });
	}

	return (
		<aside
			id="room-info"
			aria-label="Room info"
			// Beside the room from md up; below that, a full-width sheet over it (the room keeps its layout).
			class="fixed inset-0 z-40 flex flex-col gap-5 overflow-y-auto bg-white p-4 text-sm md:static md:z-auto md:w-80 md:shrink-0 md:border-l md:border-zinc-200 dark:bg-zinc-950 md:dark:border-zinc-800"
		>
			<div class="flex items-center justify-between">
				<h2 class="text-base font-semibold">Room info</h2>
				<Button
					ref={closeButton}
					variant="ghost"
					class="min-h-11 min-w-11 px-2 py-1"
					aria-label="Close room info"
					onClick={props.onClose}
				>
					<svg viewBox="0 0 16 16" class="size-4 fill-current" aria-hidden="true">
						<path d="M3.7 2.3 8 6.6l4.3-4.3 1.4 1.4L9.4 8l4.3 4.3-1.4 1.4L8 9.4l-4.3 4.3-1.4-1.4L6.6 8 2.3 3.7z" />
					</svg>
				</Button>
			</div>
			<Show
				when={details()}
				fallback={<p class="text-zinc-500">{detailsQuery.isError ? "Could not load." : "Loading…"}</p>}
			>
				{(d) => (
					<>
						<dl class="divide-y divide-zinc-100 dark:divide-zinc-800">
							<Fact label="Visibility" value={d().room.visibility === "private" ? "Private (invite only)" : "Public"} />
							<Fact label="Messages kept" value={numberFormat.format(d().stats.messageCount)} />
							<Fact
								label="Oldest kept message"
								value={(() => {
									const at = d().stats.oldestAt;
									return at === null ? "None" : dateFormat.format(at);
								})()}
							/>
							<Fact
								label="Retention"
								value={`Latest ${numberFormat.format(d().stats.retention.maxMessages)}, up to ${numberFormat.format(d().stats.retention.maxDays)} days`}
							/>
						</dl>
						<details class="rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-900">
							<summary class="cursor-pointer text-sm font-medium">Storage details</summary>
							<p class="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
								The room's saved messages take {bytes(d().stats.storageBytes)} in its database. Retention keeps this
								bounded: older messages are removed as new ones arrive.
							</p>
						</details>
						<ArchiveFacts roomId={props.roomId} isOwner={d().room.role === "owner"} />
						<Members
							roomId={props.roomId}
							first={d().members}
							presentIds={presentIds()}
							viewerIsOwner={d().room.role === "owner"}
						/>
						<Show when={d().room.role !== "member"}>
							<ModerationLog roomId={props.roomId} />
						</Show>
						<Show when={d().room.visibility === "private"}>
							<Invites roomId={props.roomId} />
						</Show>
						<Show when={d().room.member && props.roomId !== DEFAULT_ROOM_ID}>
							<Button variant="secondary" onClick={leave}>
								Leave room
							</Button>
						</Show>
					</>
				)}
			</Show>
		</aside>
	);
}
