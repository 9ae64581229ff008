import { Hono } from "hono";
import { roomStub } from "../chat-room/room-stub";
import type { AppEnv } from "../env";
import { roomAccess } from "../middleware/room-access";
import { roomIdParam } from "../middleware/room-id";
import { requireSession } from "../middleware/session";
import { validate } from "../middleware/validate";
import { ExportQuerySchema, HISTORY_MAX_LIMIT } from "../protocol/http-api";
import { readableText } from "../protocol/mentions";
import type { ChatMessage } from "../protocol/room-protocol";

/** One message as a Markdown section: who and when, then the text as written (mentions by name). */
function markdownOf(message: ChatMessage): string {
	const when = new Date(message.createdAt).toISOString().replace("T", " ").slice(0, 16);
	const body = message.deleted ? "_Message deleted._" : readableText(message.text, message.mentions);
	const edited = message.editedAt !== null && !message.deleted ? " (edited)" : "";
	return `**${message.author.name}** · ${when} UTC${edited}\n\n${body}\n\n`;
}

/**
 * `GET /api/rooms/:room/export?format=json|md`: the room's history, oldest first, as a download.
 * Streamed a page at a time from the room, so a room of any size exports in bounded memory.
 */
export const roomExportRoutes = new Hono<AppEnv>()
	.use(roomIdParam, requireSession, roomAccess)
	.get("/", validate("query", ExportQuerySchema), (c) => {
		const { format } = c.req.valid("query");
		const room = c.var.room;
		const stub = roomStub(c.env, room.id);
		const encoder = new TextEncoder();
		let after = 0;
		let first = true;
		let started = false;
		const stream = new ReadableStream<Uint8Array>({
			async pull(controller) {
				if (!started) {
					started = true;
					const at = new Date().toISOString();
					controller.enqueue(
						encoder.encode(
							format === "json"
								? `{"room":${JSON.stringify({ id: room.id, name: room.name })},"exportedAt":"${at}","messages":[`
								: `# #${room.name}\n\n_Exported ${at}._\n\n`,
						),
					);
					return;
				}
				const page = await stub.getHistory(room.id, { kind: "after", seq: after }, HISTORY_MAX_LIMIT);
				let chunk = "";
				for (const message of page.messages) {
					if (format === "json") {
						chunk += `${first ? "" : ","}\n${JSON.stringify(message)}`;
						first = false;
					} else chunk += markdownOf(message);
				}
				if (chunk) controller.enqueue(encoder.encode(chunk));
				const last = page.messages.at(-1);
				if (!page.hasNewer || !last) {
					if (format === "json") controller.enqueue(encoder.encode("\n]}\n"));
					controller.close();
					return;
				}
				after = last.seq;
			},
		});
		const filename = `${room.id}.${format === "json" ? "json" : "md"}`;
		return new Response(stream, {
			headers: {
				"content-type": format === "json" ? "application/json; charset=utf-8" : "text/markdown; charset=utf-8",
				"content-disposition": `attachment; filename="${filename}"`,
				"cache-control": "no-store",
			},
		});
	});
