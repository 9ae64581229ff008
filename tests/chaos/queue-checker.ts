/**
 * A queue checker in the spirit of Jepsen's: from what clients sent, what the room acknowledged,
 * and what is stored, it finds every way a message can be lost, repeated or misordered.
 */

/** One message as stored or seen: its room seq and the idempotency key it was sent with. */
export type Seen = { seq: number; clientId: string };

export type ClientRecord = {
	name: string;
	/** Every clientId this client sent at least once (resends count once). */
	sent: string[];
	/** clientId -> the seq its ack carried (every ack the client got, repeats included). */
	acks: Array<{ clientId: string; seq: number }>;
	/** What the client shows at the end, in the order it holds it; null for a client that quit. */
	finalView: Seen[] | null;
};

export type CheckReport = {
	sent: number;
	acked: number;
	stored: number;
	/** Acked but not stored, or stored at another seq than its ack said. */
	lost: string[];
	/** Stored more than once. */
	duplicated: string[];
	/** Sent, never acked, stored anyway (allowed: the ack was lost in a fault). */
	unackedStored: number;
	/** Stored but never sent by anyone. */
	phantom: string[];
	/** Places where seq does not go up by exactly one. */
	seqBreaks: string[];
	/** Two acks for one clientId that disagree. */
	conflictingAcks: string[];
	/** Clients whose final view differs from the stored history. */
	divergentViews: string[];
	ok: boolean;
};

export function checkQueue(clients: ClientRecord[], history: Seen[]): CheckReport {
	const sent = new Set<string>();
	for (const c of clients) for (const id of c.sent) sent.add(id);

	const ackedSeq = new Map<string, number>();
	const conflictingAcks: string[] = [];
	for (const c of clients) {
		for (const { clientId, seq } of c.acks) {
			const earlier = ackedSeq.get(clientId);
			if (earlier !== undefined && earlier !== seq) conflictingAcks.push(`${clientId}: ${earlier} and ${seq}`);
			ackedSeq.set(clientId, earlier ?? seq);
		}
	}

	const seqBreaks: string[] = [];
	for (let i = 1; i < history.length; i++) {
		const prev = history[i - 1]?.seq ?? 0;
		const seq = history[i]?.seq ?? 0;
		if (seq !== prev + 1) seqBreaks.push(`${prev} -> ${seq}`);
	}

	const storedAt = new Map<string, number[]>();
	for (const m of history) storedAt.set(m.clientId, [...(storedAt.get(m.clientId) ?? []), m.seq]);
	const duplicated = [...storedAt].filter(([, seqs]) => seqs.length > 1).map(([id, seqs]) => `${id} at ${seqs}`);
	const phantom = [...storedAt.keys()].filter((id) => !sent.has(id));
	const lost = [...ackedSeq]
		.filter(([id, seq]) => !(storedAt.get(id) ?? []).includes(seq))
		.map(([id, seq]) => `${id} (acked as ${seq}, stored at ${storedAt.get(id) ?? "none"})`);
	const unackedStored = [...storedAt.keys()].filter((id) => sent.has(id) && !ackedSeq.has(id)).length;

	const expected = history.map((m) => `${m.seq}:${m.clientId}`).join(",");
	const divergentViews = clients
		.filter((c) => c.finalView !== null && c.finalView.map((m) => `${m.seq}:${m.clientId}`).join(",") !== expected)
		.map((c) => c.name);

	const report = {
		sent: sent.size,
		acked: ackedSeq.size,
		stored: history.length,
		lost,
		duplicated,
		unackedStored,
		phantom,
		seqBreaks,
		conflictingAcks,
		divergentViews,
	};
	const ok =
		lost.length + duplicated.length + phantom.length + seqBreaks.length + conflictingAcks.length === 0 &&
		divergentViews.length === 0;
	return { ...report, ok };
}
