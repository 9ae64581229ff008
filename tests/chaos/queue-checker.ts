/**
 * A queue checker in the spirit of Jepsen's: from what clients sent, what the room acknowledged,
 * and what is stored, it finds every way a message can be lost, repeated or misordered.
 */

/**
 * One message as stored or seen: its room seq, its ordinal among messages (protocol 4: changes
 * take seqs too, so only ordinals run without gaps), the idempotency key it was sent with, and a
 * digest of its folded state (text, edit, deletion, reactions) when the run changes messages.
 */
export type Seen = { seq: number; n: number; clientId: string; state?: string };

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
	/** Places where the message ordinal does not go up by exactly one. */
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
		const prev = history[i - 1];
		const next = history[i];
		if (!prev || !next) continue;
		if (next.n !== prev.n + 1 || next.seq <= prev.seq)
			seqBreaks.push(`n ${prev.n} -> ${next.n} (seq ${prev.seq} -> ${next.seq})`);
	}

	const storedAt = new Map<string, number[]>();
	for (const m of history) storedAt.set(m.clientId, [...(storedAt.get(m.clientId) ?? []), m.seq]);
	const duplicated = [...storedAt].filter(([, seqs]) => seqs.length > 1).map(([id, seqs]) => `${id} at ${seqs}`);
	const phantom = [...storedAt.keys()].filter((id) => !sent.has(id));
	const lost = [...ackedSeq]
		.filter(([id, seq]) => !(storedAt.get(id) ?? []).includes(seq))
		.map(([id, seq]) => `${id} (acked as ${seq}, stored at ${storedAt.get(id) ?? "none"})`);
	const unackedStored = [...storedAt.keys()].filter((id) => sent.has(id) && !ackedSeq.has(id)).length;

	const key = (m: Seen) => `${m.seq}:${m.n}:${m.clientId}:${m.state ?? ""}`;
	const expected = history.map(key).join(",");
	const divergentViews = clients
		.filter((c) => c.finalView !== null && c.finalView.map(key).join(",") !== expected)
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
