import { useQueryClient } from "@tanstack/solid-query";
import { useNavigate } from "@tanstack/solid-router";
import { createSignal, Show } from "solid-js";
import { Avatar } from "../../components/ui/Avatar";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { createQueryData } from "../../query-data";
import { KeepAccountDialog } from "../profile/KeepAccountDialog";
import { ProfileDialog } from "../profile/ProfileDialog";
import { SearchBox } from "../search/SearchBox";
import { authClient } from "./auth-client";
import { sessionQuery, sessionQueryKey } from "./session-queries";

/** The top bar: the rooms drawer toggle (small screens), the brand, and who is signed in. */
export function AppHeader(props: {
	roomsOpen?: boolean;
	onToggleRooms?: () => void;
	toggleRef?: (el: HTMLButtonElement) => void;
}) {
	// Read through a signal, not the query's resource: the header sits above the room's Suspense
	// boundary, and a resource read here re-suspends the page and resets the message list.
	const { data: me } = createQueryData(() => sessionQuery);
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const [profileOpen, setProfileOpen] = createSignal(false);
	const [keepOpen, setKeepOpen] = createSignal(false);
	const [leavingAsGuest, setLeavingAsGuest] = createSignal(false);

	async function signOut() {
		// A guest has no way back in: signing out ends the account, which is said before it happens.
		if (me()?.user.isGuest) await authClient.deleteAnonymousUser();
		else await authClient.signOut();
		queryClient.setQueryData(sessionQueryKey, null);
		queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
		await navigate({ to: "/sign-in", search: { redirect: undefined } });
	}

	return (
		<header class="flex items-center justify-between gap-3 border-b border-zinc-200 px-3 py-1.5 sm:px-4 dark:border-zinc-800">
			<div class="flex items-center gap-2">
				<Show when={props.onToggleRooms}>
					<button
						type="button"
						ref={props.toggleRef}
						class="min-h-11 rounded-md px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
						aria-expanded={props.roomsOpen ?? false}
						aria-controls="rooms-drawer"
						onClick={() => props.onToggleRooms?.()}
					>
						Rooms
					</button>
				</Show>
				<a href="/" class="flex min-h-11 items-center gap-2 text-lg font-bold tracking-tight md:min-h-0">
					<img src="/favicon.svg" alt="Parlor" class="size-7 min-[420px]:hidden" />
					<img src="/favicon.svg" alt="" class="hidden size-7 min-[420px]:block" />
					<span class="hidden min-[420px]:inline">Parlor</span>
				</a>
			</div>
			<Show when={me()}>
				{/* From sm up; on a phone the search is at the top of the room drawer. */}
				<SearchBox id="search" shortcut class="hidden flex-1 sm:block md:max-w-md" />
			</Show>
			<Show when={me()}>
				{(signedIn) => (
					<div class="flex items-center gap-1 sm:gap-2">
						<Show when={signedIn().user.isGuest}>
							<Button
								variant="secondary"
								class="min-h-11 px-2.5 py-1 whitespace-nowrap md:min-h-0"
								onClick={() => setKeepOpen(true)}
							>
								Keep account
							</Button>
						</Show>
						<button
							type="button"
							class="flex min-h-11 items-center gap-2 rounded-lg px-1.5 hover:bg-zinc-100 md:min-h-0 md:py-1 dark:hover:bg-zinc-800"
							onClick={() => setProfileOpen(true)}
						>
							<Avatar name={signedIn().user.name} image={signedIn().user.image} seed={signedIn().user.id} size="sm" />
							{/* The button's name is what it shows (WCAG 2.5.3), with "Your profile" for screen readers. */}
							<span class="sr-only">Your profile: </span>
							<span class="sr-only max-w-40 truncate text-sm font-medium sm:not-sr-only" data-testid="current-user">
								{signedIn().user.name}
							</span>
							<Show when={signedIn().user.isGuest}>
								<span class="hidden rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 sm:inline dark:bg-zinc-800 dark:text-zinc-300">
									Guest
								</span>
							</Show>
						</button>
						<Button
							variant="ghost"
							class="min-h-11 whitespace-nowrap md:min-h-0"
							onClick={() => (signedIn().user.isGuest ? setLeavingAsGuest(true) : void signOut())}
						>
							Sign out
						</Button>
						<ProfileDialog open={profileOpen()} onClose={() => setProfileOpen(false)} me={signedIn()} />
						<KeepAccountDialog open={keepOpen()} onClose={() => setKeepOpen(false)} />
						<Dialog
							open={leavingAsGuest()}
							onClose={() => setLeavingAsGuest(false)}
							title="Sign out of a guest account?"
						>
							<p class="text-sm text-zinc-700 dark:text-zinc-300">
								Guests cannot sign back in. Signing out ends <strong>{signedIn().user.name}</strong> for good: the name,
								the rooms you joined and your place in them. Messages you sent stay in their rooms.
							</p>
							<div class="mt-4 flex flex-wrap justify-end gap-2">
								<Button variant="ghost" onClick={() => setLeavingAsGuest(false)}>
									Stay signed in
								</Button>
								<Button
									variant="secondary"
									onClick={() => {
										setLeavingAsGuest(false);
										setKeepOpen(true);
									}}
								>
									Keep account
								</Button>
								<Button variant="danger" onClick={() => void signOut()}>
									Sign out and end it
								</Button>
							</div>
						</Dialog>
					</div>
				)}
			</Show>
		</header>
	);
}
