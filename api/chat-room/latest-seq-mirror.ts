/**
 * Keeps `room.latestSeq` in D1 close behind the room, so the sidebar's unread counts are one D1
 * query that wakes no room. A burst of batches costs one write: a copy is scheduled a moment
 * after the first batch and carries whatever is latest when it runs.
 */
export class LatestSeqMirror {
	private pending: ReturnType<typeof setTimeout> | null = null;
	/** Whether this instance has copied yet (the last copy may have been lost to an eviction). */
	private copied = false;

	constructor(
		private readonly latest: () => number,
		private readonly copy: (roomId: string, seq: number) => Promise<void>,
		/** `LATEST_SEQ_COPY_MS`: the bound on this room's D1 writes for it. */
		private readonly delayMs: number,
	) {}

	/** Messages were stored: copy the latest seq soon. */
	changed(roomId: string): void {
		if (this.pending) return;
		this.pending = setTimeout(() => {
			this.pending = null;
			this.copied = true;
			this.copy(roomId, this.latest()).catch((error: unknown) => console.error("latest seq not copied to D1", error));
		}, this.delayMs);
	}

	/** A client arrived: rooms older than the rooms table, or whose last copy was lost, copy once per wake. */
	ensureCopied(roomId: string): void {
		if (!this.copied && this.latest() > 0) this.changed(roomId);
	}
}
