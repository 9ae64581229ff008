import { createSignal } from "solid-js";

/**
 * Desktop notifications for mentions. Permission is asked only from a click on "Enable
 * notifications" (never on load: browsers and users both punish that), and a notification shows
 * only while the tab is hidden: a reader looking at the page sees the mention where it is.
 */

export type MentionAlert = {
	roomId: string;
	roomName: string;
	/** Where clicking it opens the room; null opens the room at its end. */
	seq: number | null;
	/** Who mentioned the user, when known (a mention in another room is known only by its room). */
	author: string | null;
	/** The message as it reads, when known. */
	text: string | null;
	/** One notification per message, ever, in this page: an edit or a replay never tells twice. */
	key: string;
};

const supported = () => typeof window !== "undefined" && "Notification" in window;
const [permission, setPermission] = createSignal<NotificationPermission>(
	supported() ? Notification.permission : "denied",
);

export { permission as notificationPermission };

export const notificationsSupported = supported;

/** From a click only. */
export async function enableNotifications(): Promise<void> {
	if (!supported()) return;
	setPermission(await Notification.requestPermission());
}

/** Rooms the user muted: no notification comes from them. Kept by the sidebar from the room list. */
const muted = new Set<string>();
export function setMutedRooms(ids: Iterable<string>): void {
	muted.clear();
	for (const id of ids) muted.add(id);
}

let open: (roomId: string, seq: number | null) => void = () => undefined;
/** How a click on a notification opens the room (set by the app shell, which has the router). */
export function onNotificationClick(handler: (roomId: string, seq: number | null) => void): void {
	open = handler;
}

const told = new Set<string>();
/** Testing and the bench read how many went out; the page's own record, not the OS's. */
export const notificationsShown = () => told.size;

const BODY_LENGTH = 140;

export function alertMention(alert: MentionAlert): void {
	if (told.has(alert.key)) return;
	told.add(alert.key);
	if (!supported() || permission() !== "granted" || document.visibilityState !== "hidden" || muted.has(alert.roomId))
		return;
	const title = alert.author
		? `${alert.author} mentioned you in #${alert.roomName}`
		: `You were mentioned in #${alert.roomName}`;
	const body = alert.text
		? alert.text.length > BODY_LENGTH
			? `${alert.text.slice(0, BODY_LENGTH - 1)}…`
			: alert.text
		: "";
	const notification = new Notification(title, { body, tag: alert.key });
	notification.onclick = () => {
		window.focus();
		open(alert.roomId, alert.seq);
		notification.close();
	};
}

/** Marks a mention as already known (seen on load), so it never notifies later. */
export function knownMention(key: string): void {
	told.add(key);
}
