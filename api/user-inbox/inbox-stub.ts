/** The user's inbox Durable Object (one per user): the socket their sidebar listens on. */
export function inboxStub(env: Env, userId: string) {
	return env.USER_INBOX.getByName(userId);
}
