import { useQueryClient } from "@tanstack/solid-query";
import { createEffect, createSignal, For, on, Show } from "solid-js";
import type { Member, MemberPage } from "../../../api/protocol/http-api";
import { Avatar } from "../../components/ui/Avatar";
import { Button } from "../../components/ui/Button";
import { UserName } from "../../components/ui/Names";
import { createQueryData } from "../../query-data";
import { auditQuery, fetchMembers, roomDetailsQuery, setMemberRole } from "./room-queries";

const ROLE_LABEL = { owner: "Owner", moderator: "Moderator", member: "" } as const;

function MemberRow(props: { roomId: string; member: Member; here: boolean; viewerIsOwner: boolean }) {
	const queryClient = useQueryClient();
	const [role, setRole] = createSignal(props.member.role);
	const [error, setError] = createSignal<string | null>(null);
	async function toggle() {
		const next = role() === "moderator" ? "member" : "moderator";
		setError(null);
		try {
			await setMemberRole(props.roomId, props.member.id, next);
			setRole(next);
			void queryClient.invalidateQueries({ queryKey: roomDetailsQuery(props.roomId).queryKey });
		} catch (e) {
			setError(e instanceof Error ? e.message : "Could not change the role.");
		}
	}
	return (
		<li class="space-y-1">
			<div class="flex items-center gap-2">
				<Avatar name={props.member.name} image={props.member.image} seed={props.member.id} size="sm" />
				<UserName name={props.member.name} guest={props.member.guest} class="min-w-0 flex-1" />
				<Show when={ROLE_LABEL[role()]}>
					<span class="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
						{ROLE_LABEL[role()]}
					</span>
				</Show>
				<Show when={props.here}>
					<span class="text-xs text-emerald-700 dark:text-emerald-400">here now</span>
				</Show>
			</div>
			<Show when={props.viewerIsOwner && role() !== "owner"}>
				<Button variant="ghost" class="ml-8 px-2 py-0.5 text-xs" onClick={toggle}>
					{role() === "moderator" ? "Remove moderator" : "Make moderator"}
				</Button>
			</Show>
			<Show when={error()}>
				<p role="alert" class="ml-8 text-xs text-rose-700 dark:text-rose-400">
					{error()}
				</p>
			</Show>
		</li>
	);
}

/**
 * The room's members a page at a time (a big room does not send thousands of names at once), with
 * the owner and moderators marked. The owner names and removes moderators here.
 */
export function Members(props: { roomId: string; first: MemberPage; presentIds: Set<string>; viewerIsOwner: boolean }) {
	const [more, setMore] = createSignal<MemberPage[]>([]);
	const [loading, setLoading] = createSignal(false);
	// A refetched first page starts the list over; the pages after it would repeat people.
	createEffect(
		on(
			() => props.first,
			() => setMore([]),
			{ defer: true },
		),
	);
	const members = () => [...props.first.members, ...more().flatMap((page) => page.members)];
	const next = () => (more().at(-1) ?? props.first).next;
	async function loadMore() {
		const cursor = next();
		if (!cursor || loading()) return;
		setLoading(true);
		try {
			const page = await fetchMembers(props.roomId, cursor);
			setMore((pages) => [...pages, page]);
		} finally {
			setLoading(false);
		}
	}
	return (
		<section aria-labelledby="members-title" class="space-y-2">
			<h3 id="members-title" class="text-sm font-semibold">
				Members
			</h3>
			<ul class="space-y-1.5">
				<For each={members()}>
					{(member) => (
						<MemberRow
							roomId={props.roomId}
							member={member}
							here={props.presentIds.has(member.id)}
							viewerIsOwner={props.viewerIsOwner}
						/>
					)}
				</For>
			</ul>
			<Show when={next()}>
				<Button variant="ghost" class="w-full" disabled={loading()} onClick={loadMore}>
					Show more members
				</Button>
			</Show>
		</section>
	);
}

/** What moderators deleted, by whom and why: for the room's owner and moderators. */
export function ModerationLog(props: { roomId: string }) {
	const { query, data } = createQueryData(() => auditQuery(props.roomId));
	const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
	return (
		<section aria-labelledby="audit-title" class="space-y-2">
			<h3 id="audit-title" class="text-sm font-semibold">
				Moderation log
			</h3>
			<Show
				when={data()}
				fallback={<p class="text-xs text-zinc-500">{query.isError ? "Could not load." : "Loading…"}</p>}
			>
				{(log) => (
					<Show
						when={log().entries.length > 0}
						fallback={<p class="text-xs text-zinc-500 dark:text-zinc-400">No messages deleted by moderators.</p>}
					>
						<ul class="space-y-2 text-xs" data-testid="moderation-log">
							<For each={log().entries}>
								{(entry) => (
									<li>
										<p>
											<UserName name={entry.by.name} class="font-semibold" /> deleted a message by{" "}
											<UserName name={entry.author.name} class="font-semibold" />
										</p>
										<p class="text-zinc-600 dark:text-zinc-400">
											{when.format(entry.at)}
											{entry.reason ? ` · “${entry.reason}”` : ""}
										</p>
									</li>
								)}
							</For>
						</ul>
					</Show>
				)}
			</Show>
		</section>
	);
}
