import { type JSX, splitProps } from "solid-js";

type Variant = "primary" | "secondary" | "ghost" | "danger";

const variants: Record<Variant, string> = {
	primary: "bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-400",
	secondary:
		"bg-white text-zinc-900 ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800",
	ghost: "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
	danger: "bg-rose-700 text-white hover:bg-rose-600",
};

export function Button(props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
	const [local, rest] = splitProps(props, ["variant", "class"]);
	return (
		<button
			type="button"
			{...rest}
			class={`inline-flex items-center justify-center gap-2 rounded-lg px-3.5 py-2 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed ${variants[local.variant ?? "primary"]} ${local.class ?? ""}`}
		/>
	);
}
