import { useQueryClient } from "@tanstack/solid-query";
import { createSignal, For, Show } from "solid-js";
import { createQueryData } from "../../query-data";
import { roomActivityQuery, roomSyncQuery, setArchiveRetention } from "./room-queries";

const numberFormat = new Intl.NumberFormat();

/**
 * How the room's search copy stands (caught up, or how far behind and why), and the room's
 * history to download. Read afresh each time the panel opens.
 */
export function ArchiveFacts(props: { roomId: string; isOwner: boolean }) {
	const queryClient = useQueryClient();
	const { data: sync } = createQueryData(() => roomSyncQuery(props.roomId));
	const [saving, setSaving] = createSignal(false);
	const [saveError, setSaveError] = createSignal<string | null>(null);
	const choose = async (pruned: boolean) => {
		setSaving(true);
		setSaveError(null);
		try {
			const health = await setArchiveRetention(props.roomId, pruned ? "pruned" : "kept");
			queryClient.setQueryData(roomSyncQuery(props.roomId).queryKey, health);
		} catch (error) {
			setSaveError(error instanceof Error ? error.message : "Could not save.");
		} finally {
			setSaving(false);
		}
	};
	const { data: activity } = createQueryData(() => roomActivityQuery(props.roomId));
	const peak = () => Math.max(1, ...(activity()?.perDay.map((d) => d.count) ?? [1]));
	const base = () => `/api/rooms/${encodeURIComponent(props.roomId)}/export`;
	return (
		<div class="space-y-1 text-sm">
			<p data-testid="sync-health">
				<span class="font-medium">Search copy: </span>
				<Show when={sync()} fallback="…">
					{(s) => {
						const behind = () => Math.max(0, s().latestSeq - s().archivedSeq);
						return (
							<Show when={behind() > 0} fallback="up to date">
								{numberFormat.format(behind())} behind
								<Show when={s().paused}> (paused)</Show>
								<Show when={s().lastError}>
									{(error) => (
										<span class="block text-xs text-amber-800 dark:text-amber-300">
											Retrying after an error: {error().message}
										</span>
									)}
								</Show>
							</Show>
						);
					}}
				</Show>
			</p>
			<Show when={sync()}>
				{(s) => (
					<Show
						when={props.isOwner}
						fallback={
							<p class="text-xs text-zinc-600 dark:text-zinc-400">
								{s().retention === "kept"
									? "Search keeps messages after the room's retention removes them."
									: "Search forgets messages when the room's retention removes them."}
							</p>
						}
					>
						<label class="flex min-h-11 items-center gap-2">
							<input
								type="checkbox"
								class="size-4"
								checked={s().retention === "pruned"}
								disabled={saving()}
								onChange={(e) => void choose(e.currentTarget.checked)}
							/>
							<span>Remove messages from search when the room's retention removes them</span>
						</label>
						<Show when={saveError()}>
							{(message) => (
								<p role="alert" class="text-xs text-rose-700 dark:text-rose-400">
									{message()}
								</p>
							)}
						</Show>
					</Show>
				)}
			</Show>
			<Show when={activity()}>
				{(a) => (
					<figure class="pt-1" data-testid="room-activity">
						<figcaption class="font-medium">Last 30 days</figcaption>
						<div
							class="mt-1 flex h-10 items-end gap-px"
							role="img"
							aria-label={`Messages per day, last 30 days: ${a()
								.perDay.map((d) => d.count)
								.join(", ")}`}
						>
							<For each={a().perDay}>
								{(d) => (
									<div
										class="flex-1 rounded-t-sm bg-indigo-500/80 dark:bg-indigo-400/80"
										style={{ height: `${Math.max(d.count > 0 ? 8 : 2, (d.count / peak()) * 100)}%` }}
										title={`${new Date(d.day).toLocaleDateString()}: ${d.count}`}
									/>
								)}
							</For>
						</div>
						<Show when={a().topPosters.length > 0}>
							<p class="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
								Most active:{" "}
								<For each={a().topPosters}>
									{(p, i) => (
										<>
											{i() > 0 ? ", " : ""}
											<bdi>{p.name}</bdi> ({numberFormat.format(p.count)})
										</>
									)}
								</For>
							</p>
							<p class="text-xs text-zinc-600 dark:text-zinc-400">
								Busiest hours (UTC):{" "}
								{a()
									.busiestHours.map((h) => `${String(h.hour).padStart(2, "0")}:00`)
									.join(", ")}
							</p>
						</Show>
					</figure>
				)}
			</Show>
			<p>
				<span class="font-medium">Export: </span>
				<a class="text-indigo-700 underline dark:text-indigo-300" href={`${base()}?format=json`} download="">
					JSON
				</a>
				{" · "}
				<a class="text-indigo-700 underline dark:text-indigo-300" href={`${base()}?format=md`} download="">
					Markdown
				</a>
			</p>
		</div>
	);
}
