/** The room's Durable Object. Only ever called with an id that passed `parseRoomId`. */
export function roomStub(env: Env, roomId: string) {
	return env.CHAT_ROOM.getByName(roomId);
}
