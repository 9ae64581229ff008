import * as v from "valibot";
import { ClientIdSchema } from "../../../api/protocol/room-protocol";

/**
 * Messages this browser has not seen acked yet, persisted in localStorage so a reload in the
 * middle of sending resends each exactly once (the room answers a repeated `clientId` with the
 * original ack instead of storing it again).
 */
const OutboxEntrySchema = v.object({
	clientId: ClientIdSchema,
	text: v.string(),
	createdAt: v.number(),
	/** queued: waiting for an open socket; sending: on the wire, awaiting its ack; failed: needs Retry. */
	status: v.picklist(["queued", "sending", "failed"]),
	error: v.optional(v.string()),
});
export type OutboxEntry = v.InferOutput<typeof OutboxEntrySchema>;

const StoredSchema = v.array(OutboxEntrySchema);

type Listener = (entries: OutboxEntry[]) => void;

export class Outbox {
	private entries: OutboxEntry[];
	private readonly listeners = new Set<Listener>();
	private readonly storageKey: string;
	private readonly storage: Storage | null;

	constructor(storageKey: string, storage: Storage | null = globalThis.localStorage ?? null) {
		this.storageKey = storageKey;
		this.storage = storage;
		this.entries = this.load();
	}

	list(): OutboxEntry[] {
		return this.entries;
	}

	get(clientId: string): OutboxEntry | undefined {
		return this.entries.find((e) => e.clientId === clientId);
	}

	add(clientId: string, text: string, createdAt: number): OutboxEntry {
		const entry: OutboxEntry = { clientId, text, createdAt, status: "queued" };
		this.write([...this.entries, entry]);
		return entry;
	}

	update(clientId: string, patch: Partial<Pick<OutboxEntry, "status" | "error">>): void {
		if (!this.get(clientId)) return;
		this.write(this.entries.map((e) => (e.clientId === clientId ? { ...e, ...patch } : e)));
	}

	remove(clientId: string): void {
		if (!this.get(clientId)) return;
		this.write(this.entries.filter((e) => e.clientId !== clientId));
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private write(entries: OutboxEntry[]): void {
		this.entries = entries;
		try {
			if (entries.length) this.storage?.setItem(this.storageKey, JSON.stringify(entries));
			else this.storage?.removeItem(this.storageKey);
		} catch {
			// Storage full or blocked (private mode): the outbox still works for this page's life.
		}
		for (const listener of this.listeners) listener(entries);
	}

	private load(): OutboxEntry[] {
		try {
			const raw = this.storage?.getItem(this.storageKey);
			if (!raw) return [];
			const parsed = v.safeParse(StoredSchema, JSON.parse(raw));
			// Whatever was on the wire when the page went away is unconfirmed: send it again.
			return parsed.success ? parsed.output.map((e) => (e.status === "sending" ? { ...e, status: "queued" } : e)) : [];
		} catch {
			return [];
		}
	}
}
