import { QueryClient } from "@tanstack/solid-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventsPage, HistoryPage } from "../../../api/protocol/http-api";
import type { RoomEvent } from "../../../api/protocol/room-protocol";
import { LiveMerge, REPAIR_RETRY_MS } from "./live-merge";
import { cursorOf, flattenMessages, type HistoryData } from "./message-cache";
import { created, testMessage as msg, testPage as page } from "./message-fixtures";
import { roomHistoryKey, roomHistoryQuery, roomWindowKey } from "./message-queries";

const cached = (client: QueryClient, p: HistoryPage) =>
	client.setQueryData<HistoryData>(roomHistoryKey("r"), { pages: [p], pageParams: [undefined] });
const history = (client: QueryClient) => client.getQueryData<HistoryData>(roomHistoryKey("r"));
const seqsIn = (client: QueryClient) => flattenMessages(history(client)).map((m) => m.seq);
const react = (seq: number, messageSeq: number): RoomEvent => ({
	kind: "react",
	seq,
	messageId: `id-${messageSeq}`,
	messageSeq,
	at: seq,
	emoji: "👍",
	user: { id: "a", name: "A" },
	on: true,
});
const events = (list: RoomEvent[], upTo: number, more = false): EventsPage => ({
	kind: "events",
	events: list,
	upTo,
	more,
});

afterEach(() => {
	vi.unstubAllGlobals();
	vi.useRealTimers();
});

describe("LiveMerge", () => {
	it("keeps a live event that arrives while a refetch of older data is in flight", async () => {
		const client = new QueryClient();
		let respond: (page: HistoryPage) => void = () => {};
		vi.stubGlobal(
			"fetch",
			vi.fn(
				() =>
					new Promise<Response>((resolve) => {
						respond = (p) => resolve(new Response(JSON.stringify(p)));
					}),
			),
		);
		const first = client.fetchInfiniteQuery(roomHistoryQuery("r"));
		respond(page([msg(1), msg(2)]));
		await first;
		const live = new LiveMerge(client, "r", vi.fn());

		// A refetch starts; the server's answer reflects the room before event 3 (and 4) happened.
		const refetch = client.refetchQueries({ queryKey: roomHistoryKey("r") });
		live.push([created(msg(3)), react(4, 1)]);
		expect(seqsIn(client)).toEqual([1, 2, 3]);
		respond(page([msg(1), msg(2)]));
		await refetch;
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(seqsIn(client)).toEqual([1, 2, 3]);
		expect(flattenMessages(history(client))[0]?.reactions).toHaveLength(1);
		expect(cursorOf(history(client) as HistoryData)).toBe(4);
		live.dispose();
	});

	it("moves the cursor one seq at a time and folds duplicates without a fetch", () => {
		const client = new QueryClient();
		cached(client, page([msg(1)], 1));
		const fetchEvents = vi.fn();
		const live = new LiveMerge(client, "r", fetchEvents);
		live.push([created(msg(2)), react(3, 2)]);
		live.push([created(msg(2)), react(3, 2), created(msg(4))]);
		expect(seqsIn(client)).toEqual([1, 2, 4]);
		expect(cursorOf(history(client) as HistoryData)).toBe(4);
		expect(fetchEvents).not.toHaveBeenCalled();
		live.dispose();
	});

	it("fetches what it missed from the cursor, then folds what waited past the gap", async () => {
		const client = new QueryClient();
		cached(client, page([msg(1)], 1));
		const fetchEvents = vi.fn(async () => events([created(msg(2)), react(3, 1)], 3));
		const live = new LiveMerge(client, "r", fetchEvents);
		live.push([created(msg(4))]);
		expect(fetchEvents).toHaveBeenCalledWith("r", 1);
		await vi.waitFor(() => expect(seqsIn(client)).toEqual([1, 2, 4]));
		expect(cursorOf(history(client) as HistoryData)).toBe(4);
		expect(flattenMessages(history(client))[0]?.reactions).toHaveLength(1);
		live.dispose();
	});

	it("retries a failed repair with backoff until the gap is filled", async () => {
		vi.useFakeTimers();
		const client = new QueryClient();
		cached(client, page([msg(1)], 1));
		const fetchEvents = vi
			.fn<(roomId: string, after: number) => Promise<EventsPage>>()
			.mockRejectedValueOnce(new Error("offline"))
			.mockResolvedValueOnce(events([created(msg(2))], 2));
		const live = new LiveMerge(client, "r", fetchEvents);
		live.push([created(msg(3))]);
		await vi.advanceTimersByTimeAsync(0);
		expect(seqsIn(client)).toEqual([1]);
		await vi.advanceTimersByTimeAsync(REPAIR_RETRY_MS);
		expect(fetchEvents).toHaveBeenCalledTimes(2);
		expect(seqsIn(client)).toEqual([1, 2, 3]);
		live.dispose();
	});

	it("starts over from the newest page when the missed part of the log was pruned", async () => {
		const client = new QueryClient();
		cached(client, page([msg(1)], 1));
		const fetchEvents = vi.fn(async (): Promise<EventsPage> => ({ kind: "reset", oldestSeq: 500, latestSeq: 900 }));
		const reset = vi.spyOn(client, "resetQueries").mockResolvedValue();
		const live = new LiveMerge(client, "r", fetchEvents);
		live.push([created(msg(901))]);
		await vi.waitFor(() => expect(reset).toHaveBeenCalledWith({ queryKey: roomHistoryKey("r"), exact: true }));
		live.dispose();
	});

	it("after a hello {since}, takes the welcome's latest seq as its cursor and folds the replay, holes and all", () => {
		const client = new QueryClient();
		cached(client, page([msg(1)], 1));
		const fetchEvents = vi.fn();
		const live = new LiveMerge(client, "r", fetchEvents);
		expect(live.since()).toBe(1);
		live.welcome(9);
		// Seqs 3-6 were changes to messages pruned since: the replay skips them.
		live.push([created(msg(2)), react(7, 1), created(msg(8)), created(msg(9))]);
		expect(seqsIn(client)).toEqual([1, 2, 8, 9]);
		expect(cursorOf(history(client) as HistoryData)).toBe(9);
		expect(fetchEvents).not.toHaveBeenCalled();
		live.dispose();
	});

	it("fetches up to the welcome's latest seq when the first page it loads is older", async () => {
		const client = new QueryClient();
		const fetchEvents = vi.fn(async () => events([created(msg(2))], 2));
		const live = new LiveMerge(client, "r", fetchEvents);
		expect(live.since()).toBeNull();
		live.welcome(2);
		cached(client, page([msg(1)], 1));
		live.push([]);
		live.flush();
		await vi.waitFor(() => expect(seqsIn(client)).toEqual([1, 2]));
		live.dispose();
	});

	it("folds events into an open window too, which takes new messages once it reaches the present", () => {
		const client = new QueryClient();
		cached(client, page([msg(1), msg(2)], 2));
		client.setQueryData<HistoryData>(roomWindowKey("r", 1), {
			pages: [page([msg(1), msg(2)], 2)],
			pageParams: [undefined],
		});
		const live = new LiveMerge(client, "r", vi.fn());
		live.push([react(3, 1), created(msg(4))]);
		const window = flattenMessages(client.getQueryData<HistoryData>(roomWindowKey("r", 1)));
		expect(window.map((m) => m.seq)).toEqual([1, 2, 4]);
		expect(window[0]?.reactions).toHaveLength(1);
		live.dispose();
	});
});
