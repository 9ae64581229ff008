/** A padlock, drawn rather than an emoji: it looks the same on every system and in every font. */
export function LockIcon(props: { class?: string; title?: string }) {
	return (
		<svg
			viewBox="0 0 16 16"
			class={`inline-block shrink-0 fill-current ${props.class ?? "size-3.5"}`}
			role={props.title ? "img" : undefined}
			aria-hidden={props.title ? undefined : "true"}
			aria-label={props.title}
		>
			<path d="M8 1a3.5 3.5 0 0 0-3.5 3.5V6H4a1.5 1.5 0 0 0-1.5 1.5v6A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-6A1.5 1.5 0 0 0 12 6h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 5H6V4.5a2 2 0 1 1 4 0V6Zm-2 3a1.25 1.25 0 0 1 .75 2.25V12.5a.75.75 0 0 1-1.5 0v-1.25A1.25 1.25 0 0 1 8 9Z" />
		</svg>
	);
}

/** A hash, for public rooms; the same box as the lock so names line up. */
export function HashIcon(props: { class?: string }) {
	return (
		<svg
			viewBox="0 0 16 16"
			class={`inline-block shrink-0 fill-current ${props.class ?? "size-3.5"}`}
			aria-hidden="true"
		>
			<path d="M6.3 1.6a.75.75 0 0 1 .6.88L6.4 5h3.5l.56-2.9a.75.75 0 1 1 1.48.28L11.42 5H13a.75.75 0 0 1 0 1.5h-1.87l-.58 3H12a.75.75 0 0 1 0 1.5h-1.74l-.56 2.9a.75.75 0 1 1-1.48-.28L8.74 11H5.26l-.56 2.9a.75.75 0 1 1-1.48-.28L3.74 11H3a.75.75 0 0 1 0-1.5h1.03l.58-3H3a.75.75 0 0 1 0-1.5h1.9l.52-2.72a.75.75 0 0 1 .88-.6ZM6.12 6.5l-.58 3h3.5l.58-3h-3.5Z" />
		</svg>
	);
}

/** A bell with a stroke through it: a muted room. */
export function BellOffIcon(props: { class?: string }) {
	return (
		<svg
			viewBox="0 0 16 16"
			class={`inline-block shrink-0 fill-none stroke-current ${props.class ?? "size-3.5"}`}
			stroke-width="1.5"
			stroke-linecap="round"
			aria-hidden="true"
		>
			<path d="M4 11.5h8l-1-1.5V7a3 3 0 0 0-5.2-2M5 7v3l-1 1.5M6.5 13.5a1.5 1.5 0 0 0 3 0M2 2l12 12" />
		</svg>
	);
}
