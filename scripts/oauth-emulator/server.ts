// The local OAuth provider emulator: `node scripts/oauth-emulator/server.ts [--port 5299]`.
// Listens on 127.0.0.1 only; it exists so sign-in with GitHub, Google and X works offline.
import { serve } from "@hono/node-server";
import { createEmulatorApp } from "./app.ts";
import { EMULATOR_PORTS } from "./clients.ts";

const portArg = process.argv.indexOf("--port");
const port = Number(portArg >= 0 ? process.argv[portArg + 1] : (process.env.OAUTH_EMULATOR_PORT ?? EMULATOR_PORTS.dev));
if (!Number.isInteger(port) || port <= 0) {
	console.error("oauth-emulator: --port must be a port number");
	process.exit(1);
}

const server = serve({ fetch: createEmulatorApp().fetch, hostname: "127.0.0.1", port }, (info) => {
	console.log(`OAuth emulator (GitHub, Google, X) on http://127.0.0.1:${info.port}`);
});
server.on("error", (error) => {
	console.error(`oauth-emulator: ${error.message}`);
	process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));
