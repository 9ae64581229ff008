import { BLOCK_DIGEST, type BlockDigest } from "../chat-room/archive-sync";
import type { ArchiveCheck } from "../protocol/http-api";

type RoomSide = { oldestSeq: number; blocks: BlockDigest[] };

/**
 * Compares a room with its archive: messages and the highest seq, and a checksum of (seq, rev) per
 * block of 1,000 seqs, over what the room still keeps (the archive also holds what it pruned).
 */
export async function checkArchive(db: D1Database, roomId: string, room: RoomSide): Promise<ArchiveCheck> {
	const archived = (
		await db
			.prepare(BLOCK_DIGEST(`"archive_message"`, `"seq"`, `"rev"`, `"roomId" = ? AND "seq" >= ?`))
			.bind(roomId, room.oldestSeq)
			.all<BlockDigest>()
	).results;
	const byBlock = new Map(archived.map((b) => [b.block, b]));
	const blocks = new Set([...room.blocks.map((b) => b.block), ...archived.map((b) => b.block)]);
	const mismatched = [...blocks]
		.filter((block) => {
			const a = room.blocks.find((b) => b.block === block);
			const b = byBlock.get(block);
			return !a || !b || a.n !== b.n || a.sum !== b.sum || a.maxSeq !== b.maxSeq;
		})
		.sort((x, y) => x - y);
	const count = (list: BlockDigest[]) => list.reduce((sum, b) => sum + b.n, 0);
	const max = (list: BlockDigest[]) => list.reduce((m, b) => Math.max(m, b.maxSeq), 0);
	return {
		room: { messages: count(room.blocks), maxSeq: max(room.blocks) },
		archive: { messages: count(archived), maxSeq: max(archived) },
		mismatchedBlocks: mismatched.map((block) => ({ from: block * 1_000, to: block * 1_000 + 999 })),
		ok: mismatched.length === 0,
	};
}

/** Removes a room's rows (and their index entries) from the archive, from `fromSeq` on. */
export async function clearArchive(db: D1Database, roomId: string, fromSeq: number): Promise<void> {
	const where = `"roomId" = ? AND "seq" >= ?`;
	await db.batch([
		db
			.prepare(
				`INSERT INTO "archive_fts" ("archive_fts", rowid, "text") SELECT 'delete', rowid, "text" FROM "archive_message" WHERE ${where}`,
			)
			.bind(roomId, fromSeq),
		db
			.prepare(
				`INSERT INTO "archive_trigram" ("archive_trigram", rowid, "text") SELECT 'delete', rowid, "text" FROM "archive_message" WHERE ${where}`,
			)
			.bind(roomId, fromSeq),
		db.prepare(`DELETE FROM "archive_message" WHERE ${where}`).bind(roomId, fromSeq),
	]);
}
