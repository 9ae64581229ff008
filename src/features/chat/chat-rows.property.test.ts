import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Author, ChatMessage } from "../../../api/protocol/room-protocol";
import { buildRows, RowCache } from "./chat-rows";
import { testMessage } from "./message-fixtures";
import type { OutboxEntry } from "./outbox";

const me: Author = { id: "a", name: "Ada", image: null, guest: false };
const USERS: Author[] = [me, { id: "b", name: "Bo", image: null, guest: false }];
const START = new Date(2026, 10, 20, 22, 0).getTime();

type Step =
	| { t: "append"; count: number }
	| { t: "prepend"; count: number }
	| { t: "change"; at: number }
	| { t: "remove"; at: number }
	| { t: "older"; on: boolean }
	| { t: "unread"; after: number | null }
	| { t: "pending"; count: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ t: fc.constant("append" as const), count: fc.integer({ min: 1, max: 4 }) }),
	fc.record({ t: fc.constant("prepend" as const), count: fc.integer({ min: 1, max: 6 }) }),
	fc.record({ t: fc.constant("change" as const), at: fc.nat(40) }),
	fc.record({ t: fc.constant("remove" as const), at: fc.nat(40) }),
	fc.record({ t: fc.constant("older" as const), on: fc.boolean() }),
	fc.record({ t: fc.constant("unread" as const), after: fc.option(fc.nat(60), { nil: null }) }),
	fc.record({ t: fc.constant("pending" as const), count: fc.nat(2) }),
);

describe("buildRows, rebuilding only what changed", () => {
	it("gives the rows a build from scratch gives, after any sequence of changes", () => {
		fc.assert(
			fc.property(
				fc.array(stepArb, { maxLength: 40 }),
				fc.array(fc.nat(1), { minLength: 200, maxLength: 200 }),
				(steps, authors) => {
					const cache = new RowCache();
					// Seqs from 100 up (newer) and down (older); times grow with seq, across midnight, some far apart.
					let newest = 100;
					let oldest = 101;
					const make = (seq: number): ChatMessage => {
						const author = USERS[authors[(seq + 200) % 200] ?? 0] ?? me;
						const at = START + seq * 60_000 * (seq % 7 === 0 ? 9 : 1);
						// Every fifth is a reply, which always shows its header.
						const replyTo =
							seq % 5 === 0 ? { id: "m1", seq: 1, authorName: "Ada", excerpt: "hi", deleted: false } : null;
						return testMessage(seq, { id: `m${seq}`, clientId: `c${seq}`, author, createdAt: at, replyTo });
					};
					let messages: ChatMessage[] = [];
					let pending: OutboxEntry[] = [];
					let options: { olderToLoad: boolean; unreadAfter: number | null } = { olderToLoad: true, unreadAfter: null };
					for (const step of steps) {
						if (step.t === "append")
							messages = [...messages, ...Array.from({ length: step.count }, () => make(newest++))];
						if (step.t === "prepend")
							messages = [...Array.from({ length: step.count }, () => make(--oldest)).reverse(), ...messages];
						if (step.t === "change" && messages.length > 0) {
							const at = step.at % messages.length;
							messages = messages.map((m, i) => (i === at ? { ...m, text: `${m.text}!` } : m));
						}
						if (step.t === "remove" && messages.length > 0)
							messages = messages.filter((_, i) => i !== step.at % messages.length);
						if (step.t === "older") options = { ...options, olderToLoad: step.on };
						if (step.t === "unread")
							options = { ...options, unreadAfter: step.after === null ? null : 60 + step.after };
						if (step.t === "pending")
							pending = Array.from({ length: step.count }, (_, i) => ({
								clientId: `p${i}`,
								text: "unsent",
								createdAt: START + newest * 60_000 + i,
								status: "queued",
							}));
						const incremental = buildRows(messages, pending, me, options, cache);
						expect(incremental).toEqual(buildRows(messages, pending, me, options));
					}
				},
			),
			{ numRuns: 300 },
		);
	});
});
