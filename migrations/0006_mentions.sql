-- Mentions: one row per user told of a message (by name, or by @here), so the sidebar counts a
-- user's unread mentions in every room with one query and no room woken. A row is written once
-- (the primary key), so an edit never counts anyone twice. `n` is the message's ordinal: a mention
-- is unread while the member's `lastReadN` is below it.
CREATE TABLE "mention" (
	"userId" TEXT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
	"roomId" TEXT NOT NULL REFERENCES "room" ("id") ON DELETE CASCADE,
	"messageId" TEXT NOT NULL,
	"seq" INTEGER NOT NULL,
	"n" INTEGER NOT NULL,
	"at" INTEGER NOT NULL,
	PRIMARY KEY ("userId", "roomId", "messageId")
) WITHOUT ROWID;
CREATE INDEX "mention_room" ON "mention" ("roomId");

-- A muted room shows no unread badge and sends no desktop notifications to this member.
ALTER TABLE "room_member" ADD COLUMN "muted" INTEGER NOT NULL DEFAULT 0;
