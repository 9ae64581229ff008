-- The archive: every room's messages copied from its Durable Object, for search across rooms.
-- A room writes each event to an outbox in the same transaction that stores it, and its alarm
-- drains the outbox here in chunks (api/chat-room/archive-sync.ts). Rows only move forward by
-- `rev`, so a chunk sent twice changes nothing.
CREATE TABLE "archive_message" (
	"roomId" TEXT NOT NULL,
	"seq" INTEGER NOT NULL,
	"messageId" TEXT NOT NULL,
	"authorId" TEXT NOT NULL,
	"authorName" TEXT NOT NULL,
	"text" TEXT NOT NULL,
	"createdAt" INTEGER NOT NULL,
	"rev" INTEGER NOT NULL,
	UNIQUE ("roomId", "seq")
);
CREATE INDEX "archive_message_room_created" ON "archive_message" ("roomId", "createdAt");
CREATE INDEX "archive_message_author" ON "archive_message" ("authorId", "createdAt");

-- Full-text indexes over archive_message.text: words (porter stemming) and trigrams (substrings
-- and scripts without spaces). External content, maintained by the same batch that writes the row
-- (never by triggers): the old entry is removed with the row's current text, then the new one added.
CREATE VIRTUAL TABLE "archive_fts" USING fts5("text", content='archive_message', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE "archive_trigram" USING fts5("text", content='archive_message', content_rowid='rowid', tokenize='trigram');

-- Each room's replication progress, as the room last reported it.
CREATE TABLE "archive_state" (
	"roomId" TEXT NOT NULL PRIMARY KEY,
	"archivedSeq" INTEGER NOT NULL DEFAULT 0,
	"updatedAt" INTEGER NOT NULL
) WITHOUT ROWID;
