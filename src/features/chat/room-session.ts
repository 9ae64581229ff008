import { useQueryClient } from "@tanstack/solid-query";
import { createSignal, onCleanup } from "solid-js";
import { mentionsUser, readableText } from "../../../api/protocol/mentions";
import type { ReplyPreview } from "../../../api/protocol/message-events";
import type { Author, ChatMessage, ErrorFrame, Role } from "../../../api/protocol/room-protocol";
import { sessionAlive } from "../auth/session-queries";
import { type ChangeFrame, ChangeQueue } from "./change-queue";
import { LiveMerge } from "./live-merge";
import { flattenMessages, type HistoryData } from "./message-cache";
import { roomHistoryKey } from "./message-queries";
import { Outbox, type OutboxEntry } from "./outbox";
import { applyPresenceDelta } from "./presence-list";
import { type ConnectionState, RoomSocket, roomSocketUrl } from "./room-socket";
import { SendQueue } from "./send-queue";
import { TypingNotices, typingThrottle } from "./typing";

const SEND_ERRORS: Partial<Record<ErrorFrame["code"], string>> = {
	text_empty: "Message is empty.",
	text_too_long: "Message is too long.",
};

/**
 * The Solid side of a room: connects the framework-free socket, the history cache, the
 * persisted outbox and its send queue, the queue of changes to messages, and exposes them as
 * signals. One per mounted room view.
 */
export function createRoomSession(
	roomId: () => string,
	me: Author,
	onSessionEnded: () => void,
	onLeftRoom: () => void,
	/** A message mentions this user: new, or an edit that names them for the first time. */
	onMentioned: (message: { id: string; seq: number; author: string; text: string }) => void = () => undefined,
) {
	const queryClient = useQueryClient();
	const id = roomId();
	const key = roomHistoryKey(id);
	const live = new LiveMerge(queryClient, id);
	const outbox = new Outbox(`parlor:outbox:${me.id}:${id}`);
	const [pending, setPending] = createSignal<OutboxEntry[]>(outbox.list());
	const [changes, setChanges] = createSignal<ChangeFrame[]>([]);
	const [connection, setConnection] = createSignal<ConnectionState>("connecting");
	const [present, setPresent] = createSignal<Author[]>([]);
	const [presentTotal, setPresentTotal] = createSignal(0);
	const [typing, setTyping] = createSignal<Author[]>([]);
	const [limited, setLimited] = createSignal(false);
	const [role, setRole] = createSignal<Role>("member");
	/** The last refusal of a change, shown briefly (a change has no row of its own to show it on). */
	const [notice, setNotice] = createSignal<string | null>(null);
	const typingNotices = new TypingNotices(setTyping);

	/** A message of this user's that the room stored (seen live, in a replay or in history) leaves the outbox. */
	const settle = (messages: readonly ChatMessage[]) => {
		if (outbox.list().length === 0) return;
		for (const m of messages) if (m.author.id === me.id && outbox.get(m.clientId)) queue.stored(m.clientId);
	};

	const socket = new RoomSocket(roomSocketUrl(id), () => live.since(), {
		onState: (state) => {
			setConnection(state);
			if (state === "open") return;
			// Offline, we no longer know who is here or typing; the next welcome says again.
			setPresent([]);
			setPresentTotal(0);
			typingNotices.dispose();
			setTyping([]);
			queue.disconnected();
			changeQueue.disconnected();
		},
		onWelcome: (frame) => {
			setRole(frame.role);
			live.welcome(frame.latestSeq);
			queue.connected();
			changeQueue.connected();
		},
		onEvents: (events) => {
			live.push(events);
			const created = events.flatMap((e) => (e.kind === "create" ? [e.message] : []));
			settle(created);
			for (const message of created) typingNotices.stopped(message.author.id);
			for (const event of events) {
				if (event.kind === "create" && mentionsUser(event.message, me.id)) {
					const m = event.message;
					onMentioned({ id: m.id, seq: m.seq, author: m.author.name, text: readableText(m.text, m.mentions) });
				} else if (event.kind === "edit" && event.notify.includes(me.id)) {
					onMentioned({
						id: event.messageId,
						seq: event.messageSeq,
						author: event.by.name,
						text: readableText(event.text, event.mentions),
					});
				}
			}
		},
		onRole: setRole,
		onPresence: (users, total) => {
			setPresent(users);
			setPresentTotal(total);
		},
		onPresenceDelta: (delta) => {
			setPresent((users) => applyPresenceDelta(users, delta));
			setPresentTotal(delta.total);
		},
		onTyping: (user) => typingNotices.noticed(user),
		onAck: (ack) => {
			// The stored event was broadcast just before its ack: show it before the optimistic copy goes.
			live.flush();
			if (outbox.get(ack.clientId)) queue.stored(ack.clientId);
			else changeQueue.acked(ack.clientId);
		},
		onError: (error) => {
			if (error.code === "rate_limited") {
				const retryAfter = error.retryAfterMs ?? 1_000;
				if (error.ref && changeQueue.has(error.ref)) return changeQueue.rateLimited(error.ref, retryAfter);
				// A refusal without a ref (the frame budget) may have been any frame: both queues resend.
				if (!error.ref) changeQueue.rateLimited(undefined, retryAfter);
				return queue.rateLimited(error.ref, retryAfter);
			}
			if (error.ref && outbox.get(error.ref)) return queue.failed(error.ref, SEND_ERRORS[error.code] ?? error.message);
			if (error.ref && changeQueue.refused(error.ref)) setNotice(error.message);
		},
		onReset: (frame) => void live.reset(frame.latestSeq),
		onSessionEnded,
		sessionAlive: () => sessionAlive(queryClient),
		onLeftRoom,
	});
	const queue = new SendQueue(outbox, socket, setLimited);
	const changeQueue = new ChangeQueue(socket, setChanges);
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
		changeQueue.dispose();
		outbox.dispose();
		typingNotices.dispose();
	});

	const change = (frame: ChangeFrame) => {
		setNotice(null);
		changeQueue.add(frame);
	};

	return {
		connection,
		pending,
		/** Edits, deletes and reactions not yet confirmed, shown as if done. */
		changes,
		/** What this user may do here: the owner and moderators delete anyone's messages. */
		role,
		/** Why the last change was refused, until the next one. */
		notice,
		dismissNotice: () => setNotice(null),
		/** True while the room holds this user's sends back for sending too fast. */
		limited,
		/** Users in the room now, each once, by name (the first hundred of a big room); empty while not connected. */
		present,
		/** How many users are in the room now, all of them counted. */
		presentTotal,
		/** Other users typing now. */
		typing,
		send(text: string, replyTo?: ReplyPreview): void {
			queue.add(crypto.randomUUID(), text, replyTo);
			typingSender.reset();
		},
		edit: (messageId: string, text: string) => change({ type: "edit", clientId: crypto.randomUUID(), messageId, text }),
		remove: (messageId: string, reason?: string) =>
			change({ type: "delete", clientId: crypto.randomUUID(), messageId, ...(reason ? { reason } : {}) }),
		react: (messageId: string, emoji: string, on: boolean) =>
			change({ type: "react", clientId: crypto.randomUUID(), messageId, emoji, on }),
		/** The newest stored message of this user's, for "Up edits your last message". */
		lastOwn(): ChatMessage | undefined {
			const messages = flattenMessages(queryClient.getQueryData<HistoryData>(key));
			for (let i = messages.length - 1; i >= 0; i--) {
				const m = messages[i];
				if (m && m.author.id === me.id && !m.deleted) return m;
			}
			return undefined;
		},
		/** Call on every edit of the draft; the room hears about it at most every couple of seconds. */
		typed: () => typingSender.typed(),
		retry: (clientId: string) => queue.retry(clientId),
		discard: (clientId: string) => queue.discard(clientId),
		reconnect: () => socket.reconnect(),
	};
}

export type RoomSession = ReturnType<typeof createRoomSession>;
