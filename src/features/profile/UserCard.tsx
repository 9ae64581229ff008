import { Show } from "solid-js";
import { Avatar } from "../../components/ui/Avatar";
import { Dialog } from "../../components/ui/Dialog";
import { UserName } from "../../components/ui/Names";
import { createQueryData } from "../../query-data";
import { userProfileQuery } from "./profile-queries";

const joined = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/**
 * Someone else, as the people who share a room with them see them: name, guest or not, when they
 * joined. Mounted per person (keyed by id); read through the cache signal, as everything under the
 * room view is, so loading it never re-suspends the page.
 */
export function UserCard(props: { userId: string; onClose: () => void }) {
	const { query, data } = createQueryData(() => userProfileQuery(props.userId));
	return (
		<Dialog open onClose={props.onClose} title="Profile">
			<Show
				when={data()}
				fallback={<p class="text-sm text-zinc-600 dark:text-zinc-400">{query.isError ? "Not found." : "Loading…"}</p>}
			>
				{(user) => (
					<div class="flex items-center gap-3">
						<Avatar name={user().name} image={user().image} seed={user().id} />
						<div class="min-w-0 text-sm">
							<UserName name={user().name} guest={user().guest} class="font-semibold" />
							<p class="text-zinc-600 dark:text-zinc-400">
								{user().guest ? "Guest" : "Member"} since {joined.format(user().joinedAt)}
							</p>
						</div>
					</div>
				)}
			</Show>
		</Dialog>
	);
}
