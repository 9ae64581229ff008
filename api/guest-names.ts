const ADJECTIVES = [
	"Amber",
	"Brisk",
	"Calm",
	"Dapper",
	"Eager",
	"Fuzzy",
	"Gentle",
	"Hazel",
	"Jolly",
	"Keen",
	"Lucky",
	"Mellow",
	"Nimble",
	"Quiet",
	"Rosy",
	"Sunny",
	"Tidy",
	"Witty",
];
const ANIMALS = [
	"Badger",
	"Crane",
	"Dolphin",
	"Falcon",
	"Gecko",
	"Heron",
	"Ibis",
	"Koala",
	"Lynx",
	"Marten",
	"Newt",
	"Otter",
	"Puffin",
	"Quokka",
	"Robin",
	"Stoat",
	"Tapir",
	"Wombat",
];

function pick<T>(items: readonly T[]): T {
	const [n = 0] = crypto.getRandomValues(new Uint32Array(1));
	return items[n % items.length] as T;
}

/** A friendly display name for a guest, e.g. "Quiet Otter 42"; names need not be unique. */
export function guestName(): string {
	const [n = 0] = crypto.getRandomValues(new Uint16Array(1));
	return `${pick(ADJECTIVES)} ${pick(ANIMALS)} ${n % 100}`;
}
