import { Hono } from "hono";
import type { AppEnv } from "../env";
import { jsonError } from "../http-errors";
import { requireTrustedOrigin } from "../middleware/origin";
import { requireFreshSession } from "../middleware/session";
import { sessionAliveInD1 } from "../session-sockets";
import { inboxUpgradeRequest } from "../user-inbox/inbox-handshake";
import { inboxStub } from "../user-inbox/inbox-stub";

/** `GET /api/inbox`: the WebSocket the sidebar listens on for the user's other rooms (user-inbox/). */
export const inboxSocketRoutes = new Hono<AppEnv>().get("/", requireTrustedOrigin, requireFreshSession, async (c) => {
	if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
		return jsonError(c, 426, "upgrade_required", "This endpoint only accepts WebSocket upgrades.");
	}
	const { user, session } = c.var;
	// A sign-out that landed before this check is refused here; one that lands after it reaches
	// the inbox, which is told of every ended session and refuses or closes its sockets.
	if (!(await sessionAliveInD1(c.env, session.id))) return jsonError(c, 401, "unauthorized", "Sign in first.");
	const request = inboxUpgradeRequest({
		userId: user.id,
		sessionId: session.id,
		sessionExpiresAt: new Date(session.expiresAt).getTime(),
	});
	return inboxStub(c.env, user.id).fetch(request);
});
