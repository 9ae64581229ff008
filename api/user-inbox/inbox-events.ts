import { roomStub } from "../chat-room/room-stub";
import { inboxStub } from "./inbox-stub";

/**
 * What the Worker tells a user's inbox (and rooms) when the user's rooms change, so the sidebar
 * stays live without asking. Each is best effort: the sidebar asks for the whole list again
 * whenever its socket reconnects or the tab comes back into view.
 */
/** What of a request's execution context is used: work that may finish after the response. */
type Later = { waitUntil(promise: Promise<unknown>): void };

const logged = (what: string) => (error: unknown) => console.warn(`inbox not told: ${what}`, error);

/** The user joined `roomId` (or created it): their online sidebar watches it from now on. */
export function toldJoined(env: Env, ctx: Later, userId: string, roomId: string): void {
	ctx.waitUntil(inboxStub(env, userId).watchRoom(userId, roomId).catch(logged("joined")));
}

/** The user left `roomId`: the room stops noting its activity to them, and their other tabs drop it. */
export async function toldLeft(env: Env, userId: string, roomId: string): Promise<void> {
	await Promise.all([
		roomStub(env, roomId).unwatchActivity(userId).catch(logged("left")),
		inboxStub(env, userId).roomLeft(roomId).catch(logged("left")),
	]);
}

/** The user's read marker in `roomId` moved: their other tabs and devices update their counts. */
export function toldRead(
	env: Env,
	ctx: Later,
	userId: string,
	roomId: string,
	marker: { lastReadSeq: number; lastReadN: number },
): void {
	ctx.waitUntil(inboxStub(env, userId).readMoved(roomId, marker).catch(logged("read")));
}
