import { QueryClient } from "@tanstack/solid-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HistoryPage } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { LiveMerge, REPAIR_RETRY_MS, REPLAY_GRACE_MS } from "./live-merge";
import { flattenMessages, type HistoryData } from "./message-cache";
import { roomHistoryKey, roomHistoryQuery } from "./message-queries";

const msg = (seq: number): ChatMessage => ({
	seq,
	id: `id-${seq}`,
	author: { id: "u", name: "U", image: null, guest: false },
	text: `m${seq}`,
	createdAt: seq,
	clientId: `client-${seq}`,
});
const page = (seqs: number[], latestSeq = seqs.at(-1) ?? 0): HistoryPage => ({
	roomId: "r",
	messages: seqs.map(msg),
	oldestSeq: seqs[0] ?? latestSeq + 1,
	latestSeq,
	hasMore: false,
});
const cached = (client: QueryClient, p: HistoryPage) =>
	client.setQueryData<HistoryData>(roomHistoryKey("r"), { pages: [p], pageParams: [undefined] });
const seqsIn = (client: QueryClient) =>
	flattenMessages(client.getQueryData<HistoryData>(roomHistoryKey("r"))).map((m) => m.seq);

afterEach(() => {
	vi.unstubAllGlobals();
	vi.useRealTimers();
});

describe("LiveMerge", () => {
	it("keeps a live message that arrives while a refetch of older data is in flight", async () => {
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
		respond(page([1, 2]));
		await first;
		const live = new LiveMerge(client, "r");

		// A refetch starts; the server's answer reflects the room before message 3 was sent.
		const refetch = client.refetchQueries({ queryKey: roomHistoryKey("r") });
		live.push([msg(3)]);
		expect(seqsIn(client)).toEqual([1, 2, 3]);
		respond(page([1, 2]));
		await refetch;
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(seqsIn(client)).toEqual([1, 2, 3]);
		live.dispose();
	});

	it("backfills a hole in the seqs over HTTP", async () => {
		const client = new QueryClient();
		client.setQueryData<HistoryData>(roomHistoryKey("r"), { pages: [page([1, 2])], pageParams: [undefined] });
		const fetchMock = vi.fn(async (url: string) => {
			expect(url).toContain("before=5");
			expect(url).toContain("limit=2");
			return new Response(JSON.stringify(page([3, 4])));
		});
		vi.stubGlobal("fetch", fetchMock);
		const live = new LiveMerge(client, "r");
		live.push([msg(5)]);
		await vi.waitFor(() => expect(seqsIn(client)).toEqual([1, 2, 3, 4, 5]));
		expect(fetchMock).toHaveBeenCalledOnce();
		live.dispose();
	});

	// Issue 15.1: one failed request used to leave the hole until a reload.
	it("retries a failed backfill with backoff until the hole is filled", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const client = new QueryClient();
		cached(client, page([1, 2]));
		const fetchPage = vi
			.fn<(roomId: string, before: number | undefined, limit: number) => Promise<HistoryPage>>()
			.mockRejectedValueOnce(new TypeError("Failed to fetch"))
			.mockRejectedValueOnce(new TypeError("Failed to fetch"))
			.mockResolvedValue(page([3, 4]));
		const live = new LiveMerge(client, "r", fetchPage);
		live.push([msg(5)]);
		await vi.waitFor(() => expect(fetchPage).toHaveBeenCalledTimes(1));
		expect(seqsIn(client)).toEqual([1, 2, 5]);
		await vi.advanceTimersByTimeAsync(REPAIR_RETRY_MS);
		expect(fetchPage).toHaveBeenCalledTimes(2);
		expect(seqsIn(client)).toEqual([1, 2, 5]);
		// Backing off: the second retry waits twice as long.
		await vi.advanceTimersByTimeAsync(REPAIR_RETRY_MS);
		expect(fetchPage).toHaveBeenCalledTimes(2);
		await vi.advanceTimersByTimeAsync(REPAIR_RETRY_MS);
		await vi.waitFor(() => expect(seqsIn(client)).toEqual([1, 2, 3, 4, 5]));
		expect(fetchPage).toHaveBeenCalledTimes(3);
		expect(fetchPage).toHaveBeenLastCalledWith("r", 5, 2);
		live.dispose();
	});

	// Issue 15.5: a room that was empty when it was cached got messages while the reader was away.
	it("fetches what the room announced beyond an empty cache", async () => {
		const client = new QueryClient();
		cached(client, page([], 0));
		const fetchPage = vi.fn(async () => page([1, 2, 3]));
		const live = new LiveMerge(client, "r", fetchPage);
		live.known(3);
		await vi.waitFor(() => expect(seqsIn(client)).toEqual([1, 2, 3]), { timeout: REPLAY_GRACE_MS + 1000 });
		expect(fetchPage).toHaveBeenCalledWith("r", 4, 3);
		live.dispose();
	});

	it("lets the replay after a welcome arrive before fetching what it would carry", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const client = new QueryClient();
		cached(client, page([1, 2]));
		const fetchPage = vi.fn(async () => page([3, 4]));
		const live = new LiveMerge(client, "r", fetchPage);
		live.known(4);
		live.push([msg(3), msg(4)]);
		await vi.advanceTimersByTimeAsync(REPLAY_GRACE_MS + 10);
		expect(seqsIn(client)).toEqual([1, 2, 3, 4]);
		expect(fetchPage).not.toHaveBeenCalled();
		live.dispose();
	});

	it("fills the hole before a lone live message in a cache that held none", async () => {
		const client = new QueryClient();
		cached(client, page([], 0));
		const fetchPage = vi.fn(async () => page([1, 2, 3]));
		const live = new LiveMerge(client, "r", fetchPage);
		live.push([msg(4)]);
		await vi.waitFor(() => expect(seqsIn(client)).toEqual([1, 2, 3, 4]));
		live.dispose();
	});

	it("starts over from the latest page when the room no longer has the missing messages", async () => {
		const client = new QueryClient();
		cached(client, page([1, 2]));
		const fetchPage = vi.fn(async () => page([], 5));
		const reset = vi.spyOn(client, "resetQueries").mockResolvedValue();
		const live = new LiveMerge(client, "r", fetchPage);
		live.push([msg(5)]);
		await vi.waitFor(() => expect(reset).toHaveBeenCalledOnce());
		expect(fetchPage).toHaveBeenCalledOnce();
		live.dispose();
	});
});
