import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { sendMarker } from "../ingest.ts";
import { parlorTarget } from "./room-clients.ts";
import type { ParlorServer } from "./servers.ts";

/**
 * Appends rows `from..to` straight into a Parlor room's SQLite file while the server is stopped:
 * a million messages through the socket would take the bench ten minutes at the ingest rate.
 * The room is found by a message already sent to it with `markerClientId`.
 */
export function seedParlorRoomFile(stateDir: string, markerClientId: string, from: number, to: number): void {
	const dir = join(stateDir, "v3", "do");
	const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
		.filter((f) => f.endsWith(".sqlite") && !f.endsWith("metadata.sqlite"))
		.map((f) => join(dir, f));
	for (const file of files) {
		const db = new DatabaseSync(file);
		try {
			const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'").get();
			if (!hasTable || !db.prepare("SELECT 1 FROM messages WHERE client_id = ?").get(markerClientId)) continue;
			const insert = db.prepare(
				// Seeded rows are plain messages: the ordinal and the rev follow the seq (no changes among them).
				"INSERT INTO messages (seq, n, rev, id, author_id, author_name, author_image, text, created_at, client_id) VALUES (?, ?, ?, ?, 'bench-seed', 'Bench Seed', NULL, ?, ?, ?)",
			);
			const now = Date.now();
			db.exec("BEGIN");
			for (let seq = from; seq <= to; seq++) {
				insert.run(
					seq,
					seq,
					seq,
					`seed-${String(seq).padStart(10, "0")}`,
					`m${seq}:`.padEnd(200, "x"),
					now,
					`seed-${seq}`,
				);
			}
			db.exec("COMMIT");
			return;
		} finally {
			db.close();
		}
	}
	throw new Error(`no room file holds ${markerClientId}`);
}

/** The local D1 database's SQLite file (the one holding the app's tables), for writing while stopped. */
export function d1File(stateDir: string): string {
	const dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
	for (const f of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
		const db = new DatabaseSync(join(dir, f), { readOnly: true });
		const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'archive_message'").get();
		db.close();
		if (has) return join(dir, f);
	}
	throw new Error(`no D1 database with the app's tables under ${dir}`);
}

/** Gives each room at least `count` messages: one real send per room, the rest written offline. */
export async function seedRooms(parlor: ParlorServer, counts: Record<string, number>): Promise<void> {
	const markers: Array<[string, number]> = [];
	for (const [room, count] of Object.entries(counts)) {
		markers.push([await sendMarker(await parlorTarget(parlor.url, room)), count]);
	}
	await parlor.stop();
	for (const [marker, count] of markers) seedParlorRoomFile(parlor.stateDir, marker, 2, count);
	await parlor.restart();
}
