import { createFileRoute, notFound, useNavigate, useParams } from "@tanstack/solid-router";
import { Show } from "solid-js";
import * as v from "valibot";
import { parseRoomId } from "../../../api/protocol/room-id";
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
	// The info panel is part of the address, so Back closes it (on a phone it covers the room).
	validateSearch: v.object({ info: v.optional(v.boolean()) }),
	// Start the history request with the navigation; a failure is shown (with Retry) by the view.
	loader: ({ context, params }) =>
		context.queryClient.ensureInfiniteQueryData(roomHistoryQuery(params.roomId)).catch(() => undefined),
	component: RoomRoute,
});

function RoomRoute() {
	const params = Route.useParams();
	const search = Route.useSearch();
	const context = Route.useRouteContext();
	const navigate = useNavigate({ from: Route.fullPath });
	// A permalink (the child route /m/:seq) opens the room at one message; the room stays mounted
	// when the reader moves between it and the live end.
	const child = useParams({ strict: false });
	const anchor = () => {
		const seq = (child() as { seq?: unknown }).seq;
		return typeof seq === "number" ? seq : null;
	};
	const setAnchor = (seq: number | null) => {
		if (seq === null) void navigate({ to: "/rooms/$roomId", params: { roomId: params().roomId } });
		else void navigate({ to: "/rooms/$roomId/m/$seq", params: { roomId: params().roomId, seq } });
	};
	const me = () => {
		const user = context().me.user;
		return { id: user.id, name: user.name, image: user.image, guest: user.isGuest };
	};
	// Opening pushes an entry (Back closes the panel); closing one opened here goes back to it.
	let openedHere = false;
	const setInfo = (open: boolean) => {
		if (open === (search().info === true)) return;
		if (open) {
			openedHere = true;
			void navigate({ search: { info: true } });
		} else if (openedHere) {
			openedHere = false;
			window.history.back();
		} else {
			void navigate({ search: {}, replace: true });
		}
	};
	return (
		// keyed: another room is another session (socket, outbox, cache), not an update of this one.
		<Show when={params().roomId} keyed>
			{(roomId) => (
				<RoomView
					roomId={roomId}
					me={me()}
					anchor={anchor()}
					onAnchor={setAnchor}
					infoOpen={search().info === true}
					onInfo={setInfo}
				/>
			)}
		</Show>
	);
}
