import type { Author, PresenceDeltaFrame } from "../../../api/protocol/room-protocol";

/**
 * Who is here after a `presence_delta`: arrivals replace a user by id (a new name or avatar),
 * departures remove by id, and the list stays in name order like the room's own. Applying the
 * same delta again changes nothing, so a delta that crosses the welcome's full list is harmless.
 */
export function applyPresenceDelta(
	users: readonly Author[],
	delta: Pick<PresenceDeltaFrame, "joined" | "left">,
): Author[] {
	const byId = new Map(users.map((u) => [u.id, u]));
	for (const id of delta.left) byId.delete(id);
	for (const user of delta.joined) byId.set(user.id, user);
	return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
