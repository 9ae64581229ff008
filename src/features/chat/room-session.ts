import { useQueryClient } from "@tanstack/solid-query";
import { createSignal, onCleanup } from "solid-js";
import type { Author, ErrorFrame } from "../../../api/protocol/room-protocol";
import { type HistoryData, latestCachedSeq } from "./message-cache";
import { LiveMerge, roomHistoryKey } from "./message-queries";
import { Outbox, type OutboxEntry } from "./outbox";
import { type ConnectionState, RoomSocket, roomSocketUrl } from "./room-socket";
import { TypingNotices, typingThrottle } from "./typing";

/** A send without an ack for this long, on an open socket, is shown as failed with Retry. */
export const ACK_TIMEOUT_MS = 10_000;

const SEND_ERRORS: Partial<Record<ErrorFrame["code"], string>> = {
	text_empty: "Message is empty.",
	text_too_long: "Message is too long.",
};

/**
 * The Solid side of a room: connects the framework-free socket, the history cache and the
 * persisted outbox, and exposes them as signals. One per mounted room view.
 */
export function createRoomSession(
	roomId: () => string,
	me: Author,
	onSessionEnded: () => void,
	onLeftRoom: () => void,
) {
	const queryClient = useQueryClient();
	const id = roomId();
	const key = roomHistoryKey(id);
	const live = new LiveMerge(queryClient, id);
	const outbox = new Outbox(`parlor:outbox:${me.id}:${id}`);
	const [pending, setPending] = createSignal<OutboxEntry[]>(outbox.list());
	const [connection, setConnection] = createSignal<ConnectionState>("connecting");
	const [present, setPresent] = createSignal<Author[]>([]);
	const [typing, setTyping] = createSignal<Author[]>([]);
	const typingNotices = new TypingNotices(setTyping);
	const ackTimers = new Map<string, ReturnType<typeof setTimeout>>();
	const retryTimers = new Set<ReturnType<typeof setTimeout>>();
	let author: Author = me;

	const stopAckTimer = (clientId: string) => {
		clearTimeout(ackTimers.get(clientId));
		ackTimers.delete(clientId);
	};

	function transmit(entry: OutboxEntry): void {
		if (!socket.send({ type: "send", clientId: entry.clientId, text: entry.text })) return;
		outbox.update(entry.clientId, { status: "sending", error: undefined });
		stopAckTimer(entry.clientId);
		ackTimers.set(
			entry.clientId,
			setTimeout(() => {
				ackTimers.delete(entry.clientId);
				outbox.update(entry.clientId, { status: "failed", error: "No answer from the server." });
			}, ACK_TIMEOUT_MS),
		);
	}

	const socket = new RoomSocket(roomSocketUrl(id), () => latestCachedSeq(queryClient.getQueryData<HistoryData>(key)), {
		onState: (state) => {
			setConnection(state);
			if (state === "open") return;
			// Offline, we no longer know who is here or typing; the next welcome says again.
			setPresent([]);
			typingNotices.dispose();
			setTyping([]);
			// Whatever was on the wire is unconfirmed; it goes again (same clientId) after the next welcome.
			for (const entry of outbox.list()) {
				if (entry.status !== "sending") continue;
				stopAckTimer(entry.clientId);
				outbox.update(entry.clientId, { status: "queued" });
			}
		},
		onWelcome: (frame) => {
			author = frame.you;
			for (const entry of outbox.list()) if (entry.status !== "failed") transmit(entry);
		},
		onMessages: (messages) => {
			live.push(messages);
			for (const message of messages) typingNotices.stopped(message.author.id);
		},
		onPresence: setPresent,
		onTyping: (user) => typingNotices.noticed(user),
		onAck: (ack) => {
			stopAckTimer(ack.clientId);
			const entry = outbox.get(ack.clientId);
			if (!entry) return;
			// A resend of a stored message is acked without a broadcast: rebuild it from the ack.
			live.push(
				[{ seq: ack.seq, id: ack.id, createdAt: ack.createdAt, clientId: ack.clientId, text: entry.text, author }],
				{ now: true },
			);
			outbox.remove(ack.clientId);
		},
		onError: (error) => {
			const entry = error.ref ? outbox.get(error.ref) : undefined;
			if (!entry) return;
			stopAckTimer(entry.clientId);
			if (error.code === "rate_limited") {
				// Not stored; it keeps its place and goes again when the room allows.
				outbox.update(entry.clientId, { status: "queued" });
				const timer = setTimeout(() => {
					retryTimers.delete(timer);
					const current = outbox.get(entry.clientId);
					if (current && current.status === "queued") transmit(current);
				}, error.retryAfterMs ?? 1_000);
				retryTimers.add(timer);
				return;
			}
			outbox.update(entry.clientId, { status: "failed", error: SEND_ERRORS[error.code] ?? error.message });
		},
		onReset: () => void live.reset(),
		onSessionEnded,
		onLeftRoom,
	});
	const unsubscribe = outbox.subscribe(setPending);
	const typingSender = typingThrottle(() => socket.send({ type: "typing" }));

	onCleanup(() => {
		unsubscribe();
		socket.close();
		live.dispose();
		typingNotices.dispose();
		for (const timer of ackTimers.values()) clearTimeout(timer);
		for (const timer of retryTimers) clearTimeout(timer);
	});

	return {
		connection,
		pending,
		/** Users in the room now, each once, by name; empty while not connected. */
		present,
		/** Other users typing now. */
		typing,
		send(text: string): void {
			const entry = outbox.add(crypto.randomUUID(), text, Date.now());
			transmit(entry);
			typingSender.reset();
		},
		/** Call on every edit of the draft; the room hears about it at most every couple of seconds. */
		typed: () => typingSender.typed(),
		retry(clientId: string): void {
			const entry = outbox.get(clientId);
			if (!entry) return;
			outbox.update(clientId, { status: "queued", error: undefined });
			transmit({ ...entry, status: "queued" });
		},
		discard(clientId: string): void {
			stopAckTimer(clientId);
			outbox.remove(clientId);
		},
		reconnect: () => socket.reconnect(),
	};
}

export type RoomSession = ReturnType<typeof createRoomSession>;
