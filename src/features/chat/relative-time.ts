const MINUTE = 60_000;

// Building an Intl.DateTimeFormat costs far more than formatting with one (it loads locale data),
// and every visible row formats on each list update: keep one formatter per locale and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale ?? ""}|${JSON.stringify(options)}`;
	let format = formatters.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, options);
		formatters.set(key, format);
	}
	return format;
}
const HOUR = 60 * MINUTE;

/**
 * A short label for a message time, like modern chat apps: "now", "5m", then the clock time
 * today, then the date. The exact time is always in `<time datetime>` and its title.
 */
export function shortTime(at: number, now: number, locale?: string): string {
	const age = now - at;
	if (age < MINUTE) return "now";
	if (age < HOUR) return `${Math.floor(age / MINUTE)}m`;
	return formatter(locale, { hour: "numeric", minute: "2-digit" }).format(at);
}

/** "Today", "Yesterday", a weekday within the week, else the date. */
export function dayLabel(day: number, now: number, locale?: string): string {
	const today = new Date(now);
	today.setHours(0, 0, 0, 0);
	const days = Math.round((today.getTime() - day) / (24 * HOUR));
	if (days === 0) return "Today";
	if (days === 1) return "Yesterday";
	if (days > 1 && days < 7) return formatter(locale, { weekday: "long" }).format(day);
	const sameYear = new Date(day).getFullYear() === today.getFullYear();
	return formatter(locale, {
		month: "long",
		day: "numeric",
		...(sameYear ? {} : { year: "numeric" }),
	}).format(day);
}

export function fullTime(at: number, locale?: string): string {
	return formatter(locale, { dateStyle: "full", timeStyle: "short" }).format(at);
}
