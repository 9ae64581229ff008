import { QueryClient } from "@tanstack/solid-query";
import { describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "../../../api/protocol/room-protocol";
import { LiveMerge } from "./live-merge";
import * as cache from "./message-cache";
import { roomHistoryKey } from "./message-queries";

vi.mock("./message-cache", async (original) => {
	const actual = await original<typeof cache>();
	return { ...actual, findGap: vi.fn(actual.findGap), flattenMessages: vi.fn(actual.flattenMessages) };
});

const msg = (seq: number): ChatMessage => ({
	seq,
	id: `id-${seq}`,
	author: { id: "u", name: "U", image: null, guest: false },
	text: `m${seq}`,
	createdAt: seq,
	clientId: `client-${seq}`,
});

describe("LiveMerge fast path (issue 17)", () => {
	it("applies pushes that continue the run without walking the loaded history again", () => {
		const client = new QueryClient();
		const seqs = Array.from({ length: 10_000 }, (_, i) => i + 1);
		client.setQueryData<cache.HistoryData>(roomHistoryKey("r"), {
			pages: [{ roomId: "r", messages: seqs.map(msg), oldestSeq: 1, latestSeq: 10_000, hasMore: false }],
			pageParams: [undefined],
		});
		const live = new LiveMerge(client, "r", vi.fn());
		live.push([msg(10_001)]);
		// The first look checks the whole cache once.
		expect(cache.findGap).toHaveBeenCalledTimes(1);
		vi.mocked(cache.flattenMessages).mockClear();
		for (let seq = 10_002; seq <= 10_100; seq++) live.push([msg(seq)]);
		expect(cache.findGap).toHaveBeenCalledTimes(1);
		expect(cache.flattenMessages).not.toHaveBeenCalled();
		// A push that skips a seq is looked at properly.
		live.push([msg(10_102)]);
		expect(cache.findGap).toHaveBeenCalledTimes(2);
		live.dispose();
	});
});
