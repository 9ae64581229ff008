import type { QueryClient, QueryKey } from "@tanstack/solid-query";
import type { EventsPage } from "../../../api/protocol/http-api";
import type { RoomEvent } from "../../../api/protocol/room-protocol";
import { applyEvents, cursorOf, type HistoryData, withCursor } from "./message-cache";
import { fetchRoomEvents, isRoomQuery, roomHistoryKey, roomWindowPrefix } from "./message-queries";

/** How many recent events are kept to fold again over a fetch that started before they arrived. */
const RECENT_LIMIT = 1_000;
/** A failed repair is tried again after this long, doubling up to the cap, until the gap is filled. */
export const REPAIR_RETRY_MS = 500;
const REPAIR_RETRY_MAX_MS = 30_000;

type FetchEvents = (roomId: string, after: number) => Promise<EventsPage>;

const bySeq = (a: RoomEvent, b: RoomEvent) => a.seq - b.seq;

/**
 * Folds the room's log (new messages and changes to them, live or replayed) into the history
 * cache, and keeps the cache whole. The main history's cursor (`cursorOf`) says up to which seq
 * the log is folded in; live events continue it one seq at a time, so
 * - an event at or below the cursor is folded again, which changes nothing (folds are idempotent:
 *   `applyChange` skips a change a message's `rev` already holds, a create replaces only an older copy);
 * - an event right after the cursor moves it on;
 * - an event further on means something was missed: it waits, and the log after the cursor is
 *   fetched over HTTP (`/events?after=`), retried with backoff until the gap is filled, or, when
 *   that part of the log was pruned, history restarts from the newest page;
 * - a refetch that was in flight when events arrived would overwrite the cache with its older
 *   snapshot (the known TanStack Query race), so recent events are folded again after every fetch.
 * Windows opened around an old message (permalinks) get the same events, without a cursor of
 * their own: they are only ever opened while this room's socket is live.
 */
export class LiveMerge {
	private recent: RoomEvent[] = [];
	/** Pushed since the last apply. */
	private inbox: RoomEvent[] = [];
	/** Arrived past a gap; folded once the gap is filled. */
	private waiting: RoomEvent[] = [];
	/** The highest seq the room said it has (welcome); the cursor must reach it. */
	private knownLatest = 0;
	/** The `since` of the hello on the wire; its welcome is followed by the replay of everything after. */
	private helloSince: number | null = null;
	private repairing = false;
	private retryMs = REPAIR_RETRY_MS;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private frame: number | undefined;
	private disposed = false;
	private readonly unsubscribe: () => void;
	private readonly key: ReturnType<typeof roomHistoryKey>;

	constructor(
		private readonly queryClient: QueryClient,
		private readonly roomId: string,
		private readonly fetchEvents: FetchEvents = fetchRoomEvents,
	) {
		this.key = roomHistoryKey(roomId);
		this.unsubscribe = queryClient.getQueryCache().subscribe((event) => {
			// Fetches only: this class's own cache writes (setQueryData, `manual`) are already folded.
			if (event.type !== "updated" || event.action.type !== "success" || event.action.manual) return;
			if (!isRoomQuery(event.query.queryKey, roomId)) return;
			const queryKey = event.query.queryKey;
			// Deferred: the cache notifies while it is still committing this result.
			queueMicrotask(() => this.landed(queryKey));
		});
	}

	/** What the socket's `hello` says it has: the cursor, or null before the first page (no replay then). */
	since(): number | null {
		const data = this.main();
		this.helloSince = data ? cursorOf(data) : null;
		return this.helloSince;
	}

	/**
	 * The room welcomed the socket. After a `hello {since}` the replay of everything after `since`
	 * up to `latestSeq` follows at once, ahead of any live event, so the cursor moves to `latestSeq`
	 * now and the replay folds in below it (with holes where pruned messages' changes were).
	 */
	welcome(latestSeq: number): void {
		this.knownLatest = latestSeq;
		const since = this.helloSince;
		this.helloSince = null;
		const data = this.main();
		if (data && since !== null && cursorOf(data) >= since && latestSeq > cursorOf(data)) {
			this.write(withCursor(data, latestSeq));
		}
		this.schedule(true);
	}

	/**
	 * Adds events. Broadcasts are folded once per animation frame: a busy room can push hundreds a
	 * second, and one cache write (and list update) per frame is all the screen can show.
	 */
	push(events: readonly RoomEvent[]): void {
		this.recent.push(...events);
		if (this.recent.length > RECENT_LIMIT) this.recent = this.recent.slice(-RECENT_LIMIT);
		this.inbox.push(...events);
		this.schedule(false);
	}

	/** Folds whatever waits now: before an ack removes an optimistic row, its stored copy must be shown. */
	flush(): void {
		this.schedule(true);
	}

	/**
	 * Start over from the newest page: the room said our view cannot be repaired by replay, with its
	 * latest seq, which may be lower than what we saw (its storage was reset): that is the target now.
	 */
	async reset(latestSeq?: number): Promise<void> {
		this.recent = [];
		this.inbox = [];
		this.waiting = [];
		this.stopRetry();
		if (latestSeq !== undefined) this.knownLatest = latestSeq;
		await this.queryClient.resetQueries({ queryKey: this.key, exact: true });
	}

	dispose(): void {
		this.disposed = true;
		this.cancelFrame();
		this.stopRetry();
		this.unsubscribe();
	}

	private main(): HistoryData | undefined {
		return this.queryClient.getQueryData<HistoryData>(this.key);
	}

	private write(data: HistoryData): void {
		this.queryClient.setQueryData<HistoryData>(this.key, data);
	}

	private schedule(now: boolean): void {
		const canWait = typeof requestAnimationFrame === "function" && document.visibilityState === "visible";
		if (now || !canWait) {
			this.cancelFrame();
			this.apply();
			return;
		}
		this.frame ??= requestAnimationFrame(() => {
			this.frame = undefined;
			this.apply();
		});
	}

	private cancelFrame(): void {
		if (this.frame !== undefined) cancelAnimationFrame(this.frame);
		this.frame = undefined;
	}

	private stopRetry(): void {
		clearTimeout(this.retryTimer);
		this.retryTimer = undefined;
		this.retryMs = REPAIR_RETRY_MS;
	}

	private apply(): void {
		if (this.disposed) return;
		// Not loaded yet: the events wait in `recent` and are folded when the first page lands.
		if (!this.main()) {
			this.inbox = [];
			return;
		}
		const events = [...this.waiting, ...this.inbox];
		this.inbox = [];
		this.waiting = [];
		this.advance(events);
	}

	/**
	 * Folds what continues the cursor (or lies below it) and moves the cursor on; `wholeTo` is a
	 * seq the events are known to be whole up to (a repair page). What lies past a gap waits.
	 */
	private advance(events: RoomEvent[], wholeTo = 0): void {
		const data = this.main();
		if (!data) return;
		events.sort(bySeq);
		let cursor = cursorOf(data);
		const fold: RoomEvent[] = [];
		let later: RoomEvent[] = [];
		const take = (list: RoomEvent[]) => {
			const rest: RoomEvent[] = [];
			for (const event of list) {
				if (event.seq <= cursor + 1) {
					fold.push(event);
					cursor = Math.max(cursor, event.seq);
				} else rest.push(event);
			}
			return rest;
		};
		later = take(events);
		if (wholeTo > cursor) {
			cursor = wholeTo;
			later = take(later);
		}
		let next = applyEvents(data, fold);
		next = withCursor(next, cursor);
		if (next !== data) this.write(next);
		this.foldIntoWindows(fold);
		this.waiting = later;
		if (later.length > 0 || this.knownLatest > cursor) void this.repair();
		else this.retryMs = REPAIR_RETRY_MS;
	}

	private foldIntoWindows(events: readonly RoomEvent[]): void {
		if (events.length === 0) return;
		for (const query of this.queryClient.getQueryCache().findAll({ queryKey: roomWindowPrefix(this.roomId) })) {
			const data = query.state.data as HistoryData | undefined;
			if (!data) continue;
			const next = applyEvents(data, events, "at-present");
			if (next !== data) this.queryClient.setQueryData(query.queryKey, next);
		}
	}

	/** A fetch landed: fold recent events again, since it may have started before they arrived. */
	private landed(queryKey: QueryKey): void {
		if (this.disposed) return;
		if (queryKey.length === this.key.length) {
			this.advance([...this.recent, ...this.waiting]);
			return;
		}
		const data = this.queryClient.getQueryData<HistoryData>(queryKey);
		if (!data) return;
		const next = applyEvents(data, this.recent, "at-present");
		if (next !== data) this.queryClient.setQueryData(queryKey, next);
	}

	private async repair(): Promise<void> {
		// A scheduled retry will look again; a repair in flight re-checks when it lands.
		if (this.repairing || this.retryTimer !== undefined) return;
		const data = this.main();
		if (!data) return;
		const after = cursorOf(data);
		this.repairing = true;
		let page: EventsPage | null = null;
		try {
			page = await this.fetchEvents(this.roomId, after);
		} catch {
			// The network or the server failed: try again later, backing off, until the gap is filled.
		} finally {
			this.repairing = false;
		}
		if (this.disposed) return;
		if (page?.kind === "reset") return void this.reset(page.latestSeq);
		const progressed = page !== null && page.upTo > after;
		if (!page || !progressed) {
			// Failed, or the room had nothing newer yet (its answer raced what it pushed): wait, then look again.
			const wait = this.retryMs;
			this.retryMs = Math.min(REPAIR_RETRY_MAX_MS, this.retryMs * 2);
			this.retryTimer = setTimeout(() => {
				this.retryTimer = undefined;
				this.advance([...this.waiting]);
			}, wait);
			return;
		}
		this.recent.push(...page.events);
		if (this.recent.length > RECENT_LIMIT) this.recent = this.recent.slice(-RECENT_LIMIT);
		this.advance([...page.events, ...this.waiting], page.upTo);
	}
}
