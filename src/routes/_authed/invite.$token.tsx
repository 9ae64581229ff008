import { useQueryClient } from "@tanstack/solid-query";
import { createFileRoute, useNavigate } from "@tanstack/solid-router";
import { createSignal, Show } from "solid-js";
import { Button } from "../../components/ui/Button";
import { RoomName } from "../../components/ui/Names";
import { acceptInvite, invitePreviewQuery, roomListKey } from "../../features/rooms/room-queries";
import { createQueryData } from "../../query-data";

export const Route = createFileRoute("/_authed/invite/$token")({
	component: InviteRoute,
});

/** Where an invite link lands: says which room it opens, and joins on one click. */
function InviteRoute() {
	const params = Route.useParams();
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const { query: preview, data: previewData } = createQueryData(() => invitePreviewQuery(params().token));
	const [error, setError] = createSignal<string | null>(null);

	async function join() {
		setError(null);
		try {
			const room = await acceptInvite(params().token);
			await queryClient.invalidateQueries({ queryKey: roomListKey });
			await navigate({ to: "/rooms/$roomId", params: { roomId: room.id }, replace: true });
		} catch (e) {
			setError(e instanceof Error ? e.message : "Could not join.");
		}
	}

	return (
		<section
			class="flex flex-1 flex-col items-center justify-center gap-4 p-6 text-center"
			aria-labelledby="invite-title"
		>
			<Show
				when={previewData()}
				fallback={
					<Show when={preview.isError} fallback={<p class="text-sm text-zinc-500">Checking the invite…</p>}>
						<h1 id="invite-title" class="text-lg font-semibold">
							Invite not valid
						</h1>
						<p class="text-sm text-zinc-600 dark:text-zinc-400">{preview.error?.message}</p>
					</Show>
				}
			>
				{(data) => (
					<>
						<h1 id="invite-title" class="text-lg font-semibold">
							You are invited to 🔒 <RoomName name={data().room.name} id={data().room.id} />
						</h1>
						<p class="text-sm text-zinc-600 dark:text-zinc-400">
							A private room: only people with an invite can see it.
						</p>
						<Button onClick={join}>Join room</Button>
						<Show when={error()}>
							<p role="alert" class="text-sm text-rose-600 dark:text-rose-400">
								{error()}
							</p>
						</Show>
					</>
				)}
			</Show>
		</section>
	);
}
