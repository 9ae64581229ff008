import { createEffect, type JSX, onCleanup, Show } from "solid-js";

/**
 * A modal dialog on the platform's `<dialog>`: it traps focus, Escape closes it, focus returns to
 * what opened it, and a click on the dimmed backdrop closes it too.
 */
export function Dialog(props: { open: boolean; onClose: () => void; title: string; children: JSX.Element }) {
	let dialog: HTMLDialogElement | undefined;
	const titleId = `dialog-${Math.random().toString(36).slice(2)}`;
	createEffect(() => {
		if (props.open && !dialog?.open) dialog?.showModal();
		else if (!props.open && dialog?.open) dialog.close();
	});
	onCleanup(() => dialog?.close());
	return (
		// biome-ignore lint/a11y/useKeyWithClickEvents: the click is on the backdrop; the keyboard closes a dialog with Escape natively
		<dialog
			ref={dialog}
			aria-labelledby={titleId}
			class="m-auto w-[min(26rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-zinc-950/60 dark:bg-zinc-900 dark:text-zinc-100"
			onClose={() => props.onClose()}
			onClick={(event) => {
				// A click on the backdrop lands on the dialog element itself, outside its box.
				if (event.target !== dialog) return;
				const box = dialog.getBoundingClientRect();
				const inside =
					event.clientX >= box.left &&
					event.clientX <= box.right &&
					event.clientY >= box.top &&
					event.clientY <= box.bottom;
				if (!inside) dialog.close();
			}}
		>
			{/* Content only while open: a closed dialog's forms and pictures are not in the page. */}
			<Show when={props.open}>
				<h2 id={titleId} class="mb-3 text-lg font-semibold">
					{props.title}
				</h2>
				{props.children}
			</Show>
		</dialog>
	);
}
