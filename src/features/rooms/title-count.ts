import { createSignal } from "solid-js";

/**
 * New messages from others in the room that is open, counted while the tab is hidden (or the
 * reader is scrolled away from them). The room view sets it; the tab title adds it to the unread
 * counts of the other rooms, so a reader in another tab sees "(3) Parlor" for this room too.
 */
const [openRoomUnread, setOpenRoomUnread] = createSignal(0);

/** Of those, the ones that mention the reader: the title shows them apart. */
const [openRoomMentions, setOpenRoomMentions] = createSignal(0);

export { openRoomMentions, openRoomUnread, setOpenRoomMentions, setOpenRoomUnread };
