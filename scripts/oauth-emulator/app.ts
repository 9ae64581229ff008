import { Hono } from "hono";
import type { EmulatedProvider } from "./clients.ts";
import { githubRoutes } from "./github.ts";
import { googleRoutes } from "./google.ts";
import { GrantStore } from "./grants.ts";
import { createSigningKey } from "./signing-key.ts";
import { twitterRoutes } from "./twitter.ts";
import { avatarSvg, findUser } from "./users.ts";

/**
 * A stand-in for GitHub, Google and X on one loopback port. Each provider's endpoints live under
 * its real host name (`/github.com/login/oauth/authorize`, `/api.x.com/2/users/me`, ...), which is
 * how the app's dev-only routing (api/oauth/emulator-routing.ts) addresses them.
 */
export function createEmulatorApp(): Hono {
	const app = new Hono();
	const grants = new GrantStore();
	app.get("/health", (c) => c.json({ ok: true }));
	app.get("/avatars/:provider/:file", (c) => {
		const provider = c.req.param("provider");
		const id = c.req.param("file").replace(/\.svg$/, "");
		if (provider !== "github" && provider !== "google" && provider !== "twitter") return c.notFound();
		const user = findUser(provider satisfies EmulatedProvider, id);
		if (!user) return c.notFound();
		return c.body(avatarSvg(user), 200, { "content-type": "image/svg+xml", "cache-control": "max-age=3600" });
	});
	githubRoutes(app, grants);
	googleRoutes(app, grants, createSigningKey());
	twitterRoutes(app, grants);
	return app;
}
