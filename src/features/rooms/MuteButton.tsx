import { useQueryClient } from "@tanstack/solid-query";
import { createSignal } from "solid-js";
import { Button } from "../../components/ui/Button";
import { BellOffIcon } from "../../components/ui/Icons";
import { roomListKey, setRoomMuted } from "./room-queries";

/** Mutes the room for this user: no unread badge, no desktop notifications (mentions still count). */
export function MuteButton(props: { roomId: string; muted: boolean; member: boolean }) {
	const queryClient = useQueryClient();
	const [saving, setSaving] = createSignal(false);
	return (
		<Button
			variant="ghost"
			class="min-h-11 gap-1 px-2 py-1 md:min-h-0"
			aria-pressed={props.muted}
			disabled={!props.member || saving()}
			title={props.muted ? "Unmute: show unread and notify again" : "Mute: no unread badge, no notifications"}
			onClick={async () => {
				setSaving(true);
				try {
					await setRoomMuted(props.roomId, !props.muted);
					await queryClient.invalidateQueries({ queryKey: roomListKey });
				} finally {
					setSaving(false);
				}
			}}
		>
			<BellOffIcon class="size-4" />
			<span class="hidden sm:inline">{props.muted ? "Muted" : "Mute"}</span>
			<span class="sr-only sm:hidden">{props.muted ? "Muted" : "Mute"}</span>
		</Button>
	);
}
