import { createFileRoute, redirect } from "@tanstack/solid-router";
import { DEFAULT_ROOM_ID } from "../../../api/protocol/room-id";

/** The app opens the default room. */
export const Route = createFileRoute("/_authed/")({
	beforeLoad: () => {
		throw redirect({ to: "/rooms/$roomId", params: { roomId: DEFAULT_ROOM_ID }, replace: true });
	},
});
