import { createFileRoute, notFound } from "@tanstack/solid-router";

/**
 * A permalink to one message: `/rooms/:room/m/:seq`. The room route above renders the room and
 * opens it at this message; this route only gives the address its shape.
 */
export const Route = createFileRoute("/_authed/rooms/$roomId/m/$seq")({
	params: {
		parse: ({ seq }) => {
			if (!/^[1-9]\d{0,14}$/.test(seq)) throw notFound();
			return { seq: Number(seq) };
		},
		stringify: ({ seq }) => ({ seq: String(seq) }),
	},
});
