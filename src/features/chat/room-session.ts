import { useQueryClient } from "@tanstack/solid-query";
import { createSignal, onCleanup } from "solid-js";
import type { Author, ChatMessage, ErrorFrame } from "../../../api/protocol/room-protocol";
import { sessionAlive } from "../auth/session-queries";
import { LiveMerge } from "./live-merge";
import { type HistoryData, latestCachedSeq } from "./message-cache";
import { roomHistoryKey } from "./message-queries";
import { Outbox, type OutboxEntry } from "./outbox";
import { type ConnectionState, RoomSocket, roomSocketUrl } from "./room-socket";
import { SendQueue } from "./send-queue";
import { TypingNotices, typingThrottle } from "./typing";

const SEND_ERRORS: Partial<Record<ErrorFrame["code"], string>> = {
	text_empty: "Message is empty.",
	text_too_long: "Message is too long.",
};

/**
 * The Solid side of a room: connects the framework-free socket, the history cache, the
 * persisted outbox and its send queue, and exposes them as signals. One per mounted room view.
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
	const [limited, setLimited] = createSignal(false);
	const typingNotices = new TypingNotices(setTyping);
	let author: Author = me;

	/** A message of this user's that the room stored (seen live, in a replay or in history) leaves the outbox. */
	const settle = (messages: readonly ChatMessage[]) => {
		if (outbox.list().length === 0) return;
		for (const m of messages) if (m.author.id === me.id && outbox.get(m.clientId)) queue.stored(m.clientId);
	};

	const socket = new RoomSocket(roomSocketUrl(id), () => latestCachedSeq(queryClient.getQueryData<HistoryData>(key)), {
		onState: (state) => {
			setConnection(state);
			if (state === "open") return;
			// Offline, we no longer know who is here or typing; the next welcome says again.
			setPresent([]);
			typingNotices.dispose();
			setTyping([]);
			queue.disconnected();
		},
		onWelcome: (frame) => {
			author = frame.you;
			live.known(frame.latestSeq);
			queue.connected();
		},
		onMessages: (messages) => {
			live.push(messages);
			settle(messages);
			for (const message of messages) typingNotices.stopped(message.author.id);
		},
		onPresence: setPresent,
		onTyping: (user) => typingNotices.noticed(user),
		onAck: (ack) => {
			const entry = outbox.get(ack.clientId);
			if (!entry) return;
			// A resend of a stored message is acked without a broadcast: rebuild it from the ack.
			live.push(
				[{ seq: ack.seq, id: ack.id, createdAt: ack.createdAt, clientId: ack.clientId, text: entry.text, author }],
				{ now: true },
			);
			queue.stored(ack.clientId);
		},
		onError: (error) => {
			if (error.code === "rate_limited") return queue.rateLimited(error.ref, error.retryAfterMs ?? 1_000);
			if (error.ref && outbox.get(error.ref)) queue.failed(error.ref, SEND_ERRORS[error.code] ?? error.message);
		},
		onReset: (frame) => void live.reset(frame.latestSeq),
		onSessionEnded,
		sessionAlive: () => sessionAlive(queryClient),
		onLeftRoom,
	});
	const queue = new SendQueue(outbox, socket, setLimited);
	const unsubscribe = outbox.subscribe(setPending);
	// A reload can find its outbox already stored (acked just before the page went): history says so.
	const unwatch = queryClient.getQueryCache().subscribe((event) => {
		if (event.type !== "updated" || event.query.queryHash !== JSON.stringify(key)) return;
		settle(queryClient.getQueryData<HistoryData>(key)?.pages.at(-1)?.messages ?? []);
	});
	const typingSender = typingThrottle(() => socket.send({ type: "typing" }));

	onCleanup(() => {
		unsubscribe();
		unwatch();
		socket.close();
		live.dispose();
		queue.dispose();
		outbox.dispose();
		typingNotices.dispose();
	});

	return {
		connection,
		pending,
		/** True while the room holds this user's sends back for sending too fast. */
		limited,
		/** Users in the room now, each once, by name; empty while not connected. */
		present,
		/** Other users typing now. */
		typing,
		send(text: string): void {
			queue.add(crypto.randomUUID(), text);
			typingSender.reset();
		},
		/** Call on every edit of the draft; the room hears about it at most every couple of seconds. */
		typed: () => typingSender.typed(),
		retry: (clientId: string) => queue.retry(clientId),
		discard: (clientId: string) => queue.discard(clientId),
		reconnect: () => socket.reconnect(),
	};
}

export type RoomSession = ReturnType<typeof createRoomSession>;
