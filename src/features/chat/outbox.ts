import * as v from "valibot";
import { ReplyPreviewSchema } from "../../../api/protocol/message-events";
import { ClientIdSchema } from "../../../api/protocol/room-protocol";

/**
 * Messages this browser has not seen stored yet, persisted in localStorage so a reload in the
 * middle of sending resends each exactly once (the room answers a repeated `clientId` with the
 * original ack instead of storing it again).
 *
 * Every tab of a room shares this outbox, so each entry is its own storage key: a tab adds and
 * removes only its own keys and never rewrites another tab's, and the `storage` event tells the
 * other tabs. Whatever one tab leaves unsent, the next tab to connect sends.
 */
const OutboxEntrySchema = v.object({
	clientId: ClientIdSchema,
	text: v.string(),
	createdAt: v.number(),
	/** queued: waiting for an open socket; sending: on the wire, awaiting its ack; failed: needs Retry. */
	status: v.picklist(["queued", "sending", "failed"]),
	error: v.optional(v.string()),
	/** The message this one answers, as it looked when the reply was written. */
	replyTo: v.optional(ReplyPreviewSchema),
});
export type OutboxEntry = v.InferOutput<typeof OutboxEntrySchema>;

type Listener = (entries: OutboxEntry[]) => void;

/** Where `storage` events arrive: the window, or nothing (tests, and pages without storage). */
type StorageEvents = {
	addEventListener(type: "storage", listener: (event: StorageEvent) => void): void;
	removeEventListener(type: "storage", listener: (event: StorageEvent) => void): void;
};

export class Outbox {
	private entries: OutboxEntry[];
	private readonly listeners = new Set<Listener>();
	private readonly prefix: string;
	private readonly detach: () => void;

	constructor(
		storageKey: string,
		private readonly storage: Storage | null = globalThis.localStorage ?? null,
		events: StorageEvents | null = globalThis.window ?? null,
	) {
		this.prefix = `${storageKey}:`;
		this.entries = this.load();
		// Another tab added, sent or dropped an entry of this room.
		const onStorage = (event: StorageEvent) => {
			if (event.key !== null && !event.key.startsWith(this.prefix)) return;
			// This tab's own entries keep the state it knows best (what is on its wire).
			const mine = new Map(this.entries.map((e) => [e.clientId, e]));
			this.entries = this.load().map((e) => mine.get(e.clientId) ?? e);
			this.emit();
		};
		events?.addEventListener("storage", onStorage);
		this.detach = () => events?.removeEventListener("storage", onStorage);
	}

	/** Oldest first: the order the user typed them in, which is the order they are sent in. */
	list(): OutboxEntry[] {
		return this.entries;
	}

	get(clientId: string): OutboxEntry | undefined {
		return this.entries.find((e) => e.clientId === clientId);
	}

	add(clientId: string, text: string, createdAt: number, replyTo?: OutboxEntry["replyTo"]): OutboxEntry {
		const entry: OutboxEntry = { clientId, text, createdAt, status: "queued", ...(replyTo ? { replyTo } : {}) };
		this.write(entry);
		return entry;
	}

	update(clientId: string, patch: Partial<Pick<OutboxEntry, "status" | "error" | "createdAt">>): void {
		const entry = this.get(clientId);
		if (entry) this.write({ ...entry, ...patch });
	}

	remove(clientId: string): void {
		if (!this.get(clientId)) return;
		try {
			this.storage?.removeItem(this.prefix + clientId);
		} catch {
			// Storage blocked: the entry still goes from this page's list.
		}
		this.entries = this.entries.filter((e) => e.clientId !== clientId);
		this.emit();
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	dispose(): void {
		this.detach();
		this.listeners.clear();
	}

	private write(entry: OutboxEntry): void {
		try {
			this.storage?.setItem(this.prefix + entry.clientId, JSON.stringify(entry));
		} catch {
			// Storage full or blocked (private mode): the outbox still works for this page's life.
		}
		const others = this.entries.filter((e) => e.clientId !== entry.clientId);
		this.entries = [...others, entry].sort(byTypedOrder);
		this.emit();
	}

	private emit(): void {
		for (const listener of this.listeners) listener(this.entries);
	}

	private load(): OutboxEntry[] {
		const entries: OutboxEntry[] = [];
		try {
			const storage = this.storage;
			if (!storage) return [];
			for (let i = 0; i < storage.length; i++) {
				const key = storage.key(i);
				if (!key?.startsWith(this.prefix)) continue;
				const parsed = v.safeParse(OutboxEntrySchema, JSON.parse(storage.getItem(key) ?? "null"));
				// Whatever was on the wire when its page went away is unconfirmed: send it again.
				if (parsed.success)
					entries.push(parsed.output.status === "sending" ? { ...parsed.output, status: "queued" } : parsed.output);
			}
		} catch {
			// Corrupt or blocked storage: nothing to resend rather than a crash.
		}
		return entries.sort(byTypedOrder);
	}
}

const byTypedOrder = (a: OutboxEntry, b: OutboxEntry) =>
	a.createdAt - b.createdAt || a.clientId.localeCompare(b.clientId);
