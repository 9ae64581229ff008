import { Show } from "solid-js";

/** A user's picture, or their initials on a colour derived from their id. */
export function Avatar(props: { name: string; image: string | null; seed: string; size?: "sm" | "md" }) {
	const initials = () =>
		props.name
			.split(/\s+/)
			.filter(Boolean)
			.slice(0, 2)
			.map((part) => part[0]?.toUpperCase() ?? "")
			.join("");
	const hue = () => [...props.seed].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 360, 7);
	const sizeClass = () => (props.size === "sm" ? "size-7 text-xs" : "size-9 text-sm");
	return (
		<Show
			when={props.image}
			fallback={
				<span
					aria-hidden="true"
					class={`inline-grid shrink-0 place-items-center rounded-full font-semibold text-white ${sizeClass()}`}
					style={{ "background-color": `hsl(${hue()} 55% 30%)` }}
				>
					{initials()}
				</span>
			}
		>
			{(src) => (
				<img
					alt=""
					src={src()}
					referrerPolicy="no-referrer"
					class={`shrink-0 rounded-full object-cover ${sizeClass()}`}
				/>
			)}
		</Show>
	);
}
