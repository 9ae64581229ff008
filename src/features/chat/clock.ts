import { createSignal } from "solid-js";

// One shared minute tick for every relative timestamp, instead of a timer per row.
const [now, setNow] = createSignal(Date.now());
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow(): () => number {
	if (!timer && typeof window !== "undefined") timer = setInterval(() => setNow(Date.now()), 30_000);
	return now;
}
