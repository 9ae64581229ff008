import type { ChatMessage } from "../../../api/protocol/room-protocol";

/** What a row can ask of the room view: one object, passed down the list unchanged. */
export type MessageActions = {
	meId: string;
	/** The owner and moderators may delete anyone's message (reactive: the owner can change it). */
	canModerate: () => boolean;
	onRetry: (clientId: string) => void;
	onDiscard: (clientId: string) => void;
	/** Someone's name was clicked: show who they are. */
	onAuthor: (userId: string) => void;
	onReact: (message: ChatMessage, emoji: string, on: boolean) => void;
	/** Open the emoji picker for a message, near the button that asked. */
	onPickReaction: (message: ChatMessage, anchor: DOMRect) => void;
	onReply: (message: ChatMessage) => void;
	onEdit: (message: ChatMessage) => void;
	onDelete: (message: ChatMessage) => void;
	onCopyLink: (message: ChatMessage) => void;
	/** "(edited)" was activated: show the earlier versions. */
	onVersions: (message: ChatMessage) => void;
	/** Go to the message with this seq (a reply's parent), loading it if it is not loaded. */
	onJump: (seq: number) => void;
};
