import { type QueryClient, queryOptions } from "@tanstack/solid-query";
import {
	type ArchiveRetention,
	AuditLogSchema,
	type CreateRoomBody,
	type Invite,
	InviteListSchema,
	type InvitePreview,
	InvitePreviewSchema,
	InviteSchema,
	MarkReadResponseSchema,
	type MemberPage,
	MemberPageSchema,
	RoomActivitySchema,
	RoomDetailsSchema,
	type RoomList,
	RoomListSchema,
	type RoomSummary,
	RoomSummarySchema,
	type SyncHealth,
	SyncHealthSchema,
} from "../../../api/protocol/http-api";
import { must, request } from "../../api-request";

/** Not under ["rooms", …]: invalidating the list must not touch each room's history cache. */
export const roomListKey = ["room-list"] as const;
const roomDetailsKey = (roomId: string) => ["room-details", roomId] as const;
export const roomInvitesKey = (roomId: string) => ["room-invites", roomId] as const;

/**
 * The sidebar's rooms. Not polled: the user's inbox socket pushes what moves (room-list-live.ts),
 * and the list is asked for again only when that socket reconnects, a read marker moves on
 * another device, or the tab comes back into view.
 */
export const roomListQuery = queryOptions({
	queryKey: roomListKey,
	queryFn: () => must(request("/api/rooms", RoomListSchema)),
	// Fresh for a moment: the list the page carried is not fetched again as the sidebar mounts
	// (that request competed with the first paint); the inbox keeps it current from there.
	staleTime: 10_000,
});

export const roomDetailsQuery = (roomId: string) =>
	queryOptions({
		queryKey: roomDetailsKey(roomId),
		queryFn: () => must(request(`/api/rooms/${encodeURIComponent(roomId)}`, RoomDetailsSchema)),
		staleTime: 10_000,
	});

export const roomInvitesQuery = (roomId: string) =>
	queryOptions({
		queryKey: roomInvitesKey(roomId),
		queryFn: async () =>
			(await must(request(`/api/rooms/${encodeURIComponent(roomId)}/invites`, InviteListSchema))).invites,
	});

export const invitePreviewQuery = (token: string) =>
	queryOptions({
		queryKey: ["invite", token] as const,
		queryFn: (): Promise<InvitePreview> =>
			must(request(`/api/invites/${encodeURIComponent(token)}`, InvitePreviewSchema)),
		retry: false,
	});

/** The page of members after `cursor` (the info panel's "Show more"). */
export function fetchMembers(roomId: string, cursor: string): Promise<MemberPage> {
	const query = new URLSearchParams({ cursor });
	return must(request(`/api/rooms/${encodeURIComponent(roomId)}/members?${query}`, MemberPageSchema));
}

/** How far the room's search copy (the D1 archive) is behind the room. */
export const roomSyncQuery = (roomId: string) =>
	queryOptions({
		queryKey: ["room-sync", roomId] as const,
		queryFn: () => must(request(`/api/rooms/${encodeURIComponent(roomId)}/sync`, SyncHealthSchema)),
		staleTime: 0,
	});

/** The room's last 30 days, from the archive. */
export const roomActivityQuery = (roomId: string) =>
	queryOptions({
		queryKey: ["room-activity", roomId] as const,
		queryFn: () => must(request(`/api/rooms/${encodeURIComponent(roomId)}/activity`, RoomActivitySchema)),
		staleTime: 60_000,
	});

/** Members whose name starts with `prefix`: the composer's @ list (a few are enough). */
export const memberSearchQuery = (roomId: string, prefix: string) =>
	queryOptions({
		queryKey: ["member-search", roomId, prefix.toLowerCase()] as const,
		queryFn: () => {
			const query = new URLSearchParams({ q: prefix });
			return must(request(`/api/rooms/${encodeURIComponent(roomId)}/members?${query}`, MemberPageSchema));
		},
		staleTime: 30_000,
	});

export async function setRoomMuted(roomId: string, muted: boolean): Promise<void> {
	await request(`/api/rooms/${encodeURIComponent(roomId)}/mute`, null, {
		method: "PUT",
		body: JSON.stringify({ muted }),
	});
}

/** The owner's choice: keep in the archive what the room prunes, or prune it there too. */
export function setArchiveRetention(roomId: string, retention: ArchiveRetention): Promise<SyncHealth> {
	return must(
		request(`/api/rooms/${encodeURIComponent(roomId)}/archive/retention`, SyncHealthSchema, {
			method: "PUT",
			body: JSON.stringify({ retention }),
		}),
	);
}

export function createRoom(body: CreateRoomBody): Promise<RoomSummary> {
	return must(request("/api/rooms", RoomSummarySchema, { method: "POST", body: JSON.stringify(body) }));
}

export async function leaveRoom(roomId: string): Promise<void> {
	await request(`/api/rooms/${encodeURIComponent(roomId)}/leave`, null, { method: "POST" });
}

export function acceptInvite(token: string): Promise<RoomSummary> {
	return must(request(`/api/invites/${encodeURIComponent(token)}/accept`, RoomSummarySchema, { method: "POST" }));
}

export function createInvite(roomId: string): Promise<Invite> {
	return must(request(`/api/rooms/${encodeURIComponent(roomId)}/invites`, InviteSchema, { method: "POST" }));
}

export async function revokeInvite(roomId: string, token: string): Promise<void> {
	await request(`/api/rooms/${encodeURIComponent(roomId)}/invites/${encodeURIComponent(token)}`, null, {
		method: "DELETE",
	});
}

/**
 * Moves the read marker to a message (its seq, and its ordinal `n`, which unread counts use) and
 * shows the result in the sidebar at once; other tabs and devices pick it up on their next poll.
 */
export async function markRead(
	queryClient: QueryClient,
	roomId: string,
	read: { seq: number; n: number },
): Promise<void> {
	setReadLocally(queryClient, roomId, read);
	const { lastReadSeq } = await must(
		request(`/api/rooms/${encodeURIComponent(roomId)}/read`, MarkReadResponseSchema, {
			method: "PUT",
			body: JSON.stringify(read),
			// Sent as the page goes away too: the browser finishes it after the page is gone.
			keepalive: true,
		}),
	);
	setReadLocally(queryClient, roomId, { seq: lastReadSeq, n: read.n });
}

function setReadLocally(queryClient: QueryClient, roomId: string, read: { seq: number; n: number }): void {
	queryClient.setQueryData<RoomList>(roomListKey, (list) =>
		list
			? {
					rooms: list.rooms.map((room) => {
						if (room.id !== roomId || !room.member) return room;
						const lastReadSeq = Math.max(room.lastReadSeq ?? 0, read.seq);
						const latestSeq = Math.max(room.latestSeq, lastReadSeq);
						// The room is at least where the reader read: a later note must not count it again.
						const latestN = Math.max(room.latestN, read.n);
						// Read up to the newest message the reader has: nothing of it is unread now.
						return { ...room, lastReadSeq, latestSeq, latestN, unread: 0 };
					}),
				}
			: list,
	);
}

/** The URL someone can open to join a private room. */
export function inviteUrl(token: string): string {
	return `${window.location.origin}/invite/${token}`;
}

/** Moderator deletions in a room (its owner and moderators only). */
export const auditQuery = (roomId: string) =>
	queryOptions({
		queryKey: ["room-audit", roomId] as const,
		queryFn: () => must(request(`/api/rooms/${encodeURIComponent(roomId)}/audit`, AuditLogSchema)),
		// Read afresh each time the panel opens: a moderator may have deleted something since.
		staleTime: 0,
		refetchOnMount: "always",
	});

/** The owner names a member moderator, or takes it back. */
export async function setMemberRole(roomId: string, userId: string, role: "moderator" | "member"): Promise<void> {
	await request(`/api/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}/role`, null, {
		method: "PUT",
		body: JSON.stringify({ role }),
	});
}
