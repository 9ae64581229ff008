import { QueryClient } from "@tanstack/solid-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HistoryPage } from "../../../api/protocol/http-api";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { flattenMessages, type HistoryData } from "./message-cache";
import { LiveMerge, roomHistoryKey, roomHistoryQuery } from "./message-queries";

const msg = (seq: number): ChatMessage => ({
	seq,
	id: `id-${seq}`,
	author: { id: "u", name: "U", image: null },
	text: `m${seq}`,
	createdAt: seq,
	clientId: `client-${seq}`,
});
const page = (seqs: number[]): HistoryPage => ({
	roomId: "r",
	messages: seqs.map(msg),
	oldestSeq: 1,
	latestSeq: seqs.at(-1) ?? 0,
	hasMore: false,
});
const seqsIn = (client: QueryClient) =>
	flattenMessages(client.getQueryData<HistoryData>(roomHistoryKey("r"))).map((m) => m.seq);

afterEach(() => vi.unstubAllGlobals());

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
});
