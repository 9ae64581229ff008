// Vitest global setup (runs in Node, outside workerd): the OAuth provider emulator the workerd
// tests' Worker talks to, on the loopback port pinned in vitest.workers.config.ts.
import { once } from "node:events";
import { serve } from "@hono/node-server";
import { createEmulatorApp } from "../../scripts/oauth-emulator/app.ts";
import { EMULATOR_PORTS } from "../../scripts/oauth-emulator/clients.ts";

export default async function setup(): Promise<() => Promise<void>> {
	const server = serve({ fetch: createEmulatorApp().fetch, hostname: "127.0.0.1", port: EMULATOR_PORTS.workers });
	await once(server, "listening");
	return () => new Promise((resolve) => server.close(() => resolve()));
}
