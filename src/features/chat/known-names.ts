/**
 * Names of users picked in the composer's @ list, by id, for this page's life: a message with a
 * mention shows "@Name" while it is still on its way, before the room resolves its mentions.
 */
const names = new Map<string, string>();

export function rememberName(id: string, name: string): void {
	names.set(id, name);
}

export function knownName(id: string): string | undefined {
	return names.get(id);
}
