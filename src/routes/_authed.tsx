import { createFileRoute, Outlet, redirect, useMatch } from "@tanstack/solid-router";
import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
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
	// A list a moment old (the one the page carried) is not asked for again.
	loader: ({ context }) => context.queryClient.prefetchQuery({ ...roomListQuery, staleTime: 5_000 }),
	component: AuthedShell,
});

function AuthedShell() {
	const [roomsOpen, setRoomsOpen] = createSignal(false);
	const room = useMatch({ from: "/_authed/rooms/$roomId", shouldThrow: false });
	let toggle: HTMLButtonElement | undefined;
	let drawer: HTMLDivElement | undefined;

	// Below md the room list is a drawer over the page: it takes focus when it opens and gives it
	// back to the button that opened it, and Escape or a tap outside closes it.
	const close = () => {
		if (!roomsOpen()) return;
		setRoomsOpen(false);
		toggle?.focus();
	};
	createEffect(
		on(roomsOpen, (open) => {
			if (!open) return;
			queueMicrotask(() => {
				const target = drawer?.querySelector<HTMLElement>("[aria-current=page]") ?? drawer?.querySelector("a, button");
				target?.focus();
			});
		}),
	);
	const onKey = (event: KeyboardEvent) => {
		if (event.key === "Escape" && roomsOpen()) close();
	};
	document.addEventListener("keydown", onKey);
	onCleanup(() => document.removeEventListener("keydown", onKey));

	return (
		<div class="flex h-dvh flex-col">
			<AppHeader
				roomsOpen={roomsOpen()}
				toggleRef={(el) => {
					toggle = el;
				}}
				onToggleRooms={() => (roomsOpen() ? close() : setRoomsOpen(true))}
			/>
			<div class="relative flex min-h-0 flex-1">
				<Show when={roomsOpen()}>
					<div
						class="fixed inset-0 z-30 bg-zinc-950/60 md:hidden"
						aria-hidden="true"
						data-testid="drawer-backdrop"
						onClick={close}
					/>
				</Show>
				{/* Beside the room from md up; below that, an opaque drawer over a dimmed page. */}
				<div
					id="rooms-drawer"
					ref={drawer}
					class="fixed inset-y-0 left-0 z-40 border-r border-zinc-200 shadow-xl md:static md:z-auto md:block md:shadow-none dark:border-zinc-800"
					classList={{ hidden: !roomsOpen() }}
				>
					<Sidebar currentRoomId={room()?.params.roomId ?? null} onNavigate={close} />
				</div>
				<main class="flex min-w-0 flex-1 flex-col">
					<Outlet />
				</main>
			</div>
		</div>
	);
}
