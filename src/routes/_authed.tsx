import { createFileRoute, Outlet, redirect, useMatch } from "@tanstack/solid-router";
import { createSignal } from "solid-js";
import { AppHeader } from "../features/auth/AppHeader";
import { sessionQuery } from "../features/auth/session-queries";
import { roomListQuery } from "../features/rooms/room-queries";
import { Sidebar } from "../features/rooms/Sidebar";

/** Every route below this one needs a session; without one the user is sent to sign in. */
export const Route = createFileRoute("/_authed")({
	beforeLoad: async ({ context, location }) => {
		const me = await context.queryClient.ensureQueryData(sessionQuery);
		if (!me) throw redirect({ to: "/sign-in", search: { redirect: location.href } });
		return { me };
	},
	// The sidebar is part of the first paint; its request overlaps the room's own.
	loader: ({ context }) => context.queryClient.prefetchQuery(roomListQuery),
	component: AuthedShell,
});

function AuthedShell() {
	const [roomsOpen, setRoomsOpen] = createSignal(false);
	const room = useMatch({ from: "/_authed/rooms/$roomId", shouldThrow: false });
	return (
		<div class="flex h-dvh flex-col">
			<AppHeader roomsOpen={roomsOpen()} onToggleRooms={() => setRoomsOpen((open) => !open)} />
			<div class="relative flex min-h-0 flex-1">
				{/* Beside the room from md up; below that, a drawer over it. */}
				<div
					id="rooms-drawer"
					class="absolute inset-y-0 left-0 z-20 border-r border-zinc-200 shadow-lg md:static md:z-auto md:block md:shadow-none dark:border-zinc-800"
					classList={{ hidden: !roomsOpen() }}
				>
					<Sidebar currentRoomId={room()?.params.roomId ?? null} onNavigate={() => setRoomsOpen(false)} />
				</div>
				<main class="flex min-w-0 flex-1 flex-col">
					<Outlet />
				</main>
			</div>
		</div>
	);
}
