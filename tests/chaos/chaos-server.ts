// The production build (`dist/parlor`) in workerd through Miniflare, on loopback, persisted to a
// state directory, so the chaos soak can kill this process and start it again on the same state.
// Miniflare rather than `wrangler dev`: only Miniflare can evict one Durable Object from outside,
// which is how the soak sends a room to hibernation or drops it with its sockets.
// Usage (from the soak, with an IPC channel): node tests/chaos/chaos-server.ts <port> <stateDir>
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare, type V4MiniflareOptions } from "miniflare";

export type ChaosCommand = { id: number; evictRoom: string; webSockets: "hibernate" | "close" };
export type ChaosReply = { id: number; ok: boolean; error?: string } | { ready: string };

const [port = "5499", stateDir = ".wrangler/chaos-state"] = process.argv.slice(2);
const dist = resolve("dist/parlor");
// The deploy config the build wrote; only the fields the soak's Worker needs are read from it.
const config: {
	compatibility_date: string;
	compatibility_flags: string[];
	vars: Record<string, string>;
	d1_databases: Array<{ binding: string; database_id: string }>;
	kv_namespaces: Array<{ binding: string; id: string }>;
	durable_objects: { bindings: Array<{ name: string; class_name: string }> };
} = JSON.parse(readFileSync(join(dist, "wrangler.json"), "utf8"));

// The build is ES modules: index.js plus its chunks under assets/ (loaded by dynamic import).
const modules = readdirSync(dist, { recursive: true, encoding: "utf8" })
	.filter((file) => file.endsWith(".js"))
	.sort((a, b) => (a === "index.js" ? -1 : b === "index.js" ? 1 : a.localeCompare(b)))
	.map((file) => ({ type: "ESModule" as const, path: join(dist, file) }));

const persist = resolve(stateDir, "v3");
const options: V4MiniflareOptions = {
	host: "127.0.0.1",
	port: Number(port),
	// The same layout as `wrangler dev --persist-to` (v3/d1, v3/kv, v3/do), where migrations went.
	resourcePersistencePath: persist,
	workers: [
		{
			name: "parlor",
			modules,
			modulesRoot: dist,
			compatibilityDate: config.compatibility_date,
			compatibilityFlags: config.compatibility_flags,
			// The same ids as `wrangler d1 migrations apply --local`, so the migrated database is the one used.
			d1Databases: Object.fromEntries(config.d1_databases.map((d) => [d.binding, d.database_id])),
			kvNamespaces: Object.fromEntries(config.kv_namespaces.map((k) => [k.binding, k.id])),
			durableObjects: Object.fromEntries(
				config.durable_objects.bindings.map((d) => [d.name, { className: d.class_name, useSQLite: true }]),
			),
			bindings: {
				...config.vars,
				BETTER_AUTH_SECRET: "chaos-soak-secret-not-used-anywhere-else",
				// 10,000 messages from 20 users in about a minute, all kept: the soak checks every one.
				MESSAGE_RATE_LIMIT_BURST: "100000",
				MESSAGE_RATE_LIMIT_PER_SECOND: "100000",
				MESSAGE_RETENTION_COUNT: "1000000",
				MESSAGE_RETENTION_DAYS: "3650",
				// Clients blast their sends; the frame budget has its own tests.
				SOCKET_FRAME_BURST: "100000",
				SOCKET_FRAMES_PER_SECOND: "100000",
			},
		},
	],
};
// Miniflare 5 takes a new options shape; the classic one (what `wrangler dev` still builds) converts.
const mf = new Miniflare(convertV4MiniflareOptions(options));

const url = await mf.ready;
process.send?.({ ready: url.origin } satisfies ChaosReply);

process.on("message", async (command: ChaosCommand) => {
	try {
		await mf.unsafeEvictDurableObject("parlor", "ChatRoomDurableObject", {
			name: command.evictRoom,
			webSockets: command.webSockets,
		});
		process.send?.({ id: command.id, ok: true } satisfies ChaosReply);
	} catch (error) {
		process.send?.({ id: command.id, ok: false, error: String(error) } satisfies ChaosReply);
	}
});
process.on("disconnect", () => void mf.dispose().finally(() => process.exit(0)));
