import { createFileRoute, notFound } from "@tanstack/solid-router";
import { Show } from "solid-js";
import { parseRoomId } from "../../../api/protocol/room-protocol";
import { roomHistoryQuery } from "../../features/chat/message-queries";
import { RoomView } from "../../features/chat/RoomView";

export const Route = createFileRoute("/_authed/rooms/$roomId")({
	params: {
		parse: ({ roomId }) => {
			const canonical = parseRoomId(roomId);
			if (!canonical) throw notFound();
			return { roomId: canonical };
		},
		stringify: ({ roomId }) => ({ roomId }),
	},
	// Start the history request with the navigation; a failure is shown (with Retry) by the view.
	loader: ({ context, params }) =>
		context.queryClient.ensureInfiniteQueryData(roomHistoryQuery(params.roomId)).catch(() => undefined),
	component: RoomRoute,
});

function RoomRoute() {
	const params = Route.useParams();
	const context = Route.useRouteContext();
	const me = () => {
		const user = context().me.user;
		return { id: user.id, name: user.name, image: user.image, guest: user.isGuest };
	};
	return (
		// keyed: another room is another session (socket, outbox, cache), not an update of this one.
		<Show when={params().roomId} keyed>
			{(roomId) => <RoomView roomId={roomId} me={me()} />}
		</Show>
	);
}
