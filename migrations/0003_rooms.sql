-- Rooms as the app knows them. A room's messages live in its Durable Object (named by `id`);
-- D1 holds who may reach it, so the Worker can refuse a request before the room is woken.
CREATE TABLE "room" (
	-- The canonical slug: lower-case letters, digits and dashes; also the Durable Object's name.
	"id" TEXT NOT NULL PRIMARY KEY,
	"name" TEXT NOT NULL,
	"visibility" TEXT NOT NULL CHECK ("visibility" IN ('public', 'private')),
	"createdBy" TEXT REFERENCES "user" ("id") ON DELETE SET NULL,
	"createdAt" INTEGER NOT NULL,
	-- Highest seq the room has assigned, copied from the Durable Object a moment after each batch:
	-- unread counts for a whole sidebar then cost one D1 query instead of waking every room.
	"latestSeq" INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE "room_member" (
	"roomId" TEXT NOT NULL REFERENCES "room" ("id") ON DELETE CASCADE,
	"userId" TEXT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
	"joinedAt" INTEGER NOT NULL,
	-- The highest seq this user has seen in the room, on any tab or device.
	"lastReadSeq" INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY ("roomId", "userId")
) WITHOUT ROWID;
CREATE INDEX "room_member_user" ON "room_member" ("userId");

-- Invite links to private rooms. The token is the secret; revoking keeps the row for the record.
CREATE TABLE "room_invite" (
	"token" TEXT NOT NULL PRIMARY KEY,
	"roomId" TEXT NOT NULL REFERENCES "room" ("id") ON DELETE CASCADE,
	"createdBy" TEXT REFERENCES "user" ("id") ON DELETE SET NULL,
	"createdAt" INTEGER NOT NULL,
	"revokedAt" INTEGER
);
CREATE INDEX "room_invite_room" ON "room_invite" ("roomId");

-- The room every new user lands in.
INSERT INTO "room" ("id", "name", "visibility", "createdBy", "createdAt") VALUES ('general', 'general', 'public', NULL, 0);
-- Rooms used before rooms were recorded (any id was open to every signed-in user) stay public.
INSERT OR IGNORE INTO "room" ("id", "name", "visibility", "createdBy", "createdAt")
	SELECT DISTINCT "roomId", "roomId", 'public', NULL, 0 FROM "session_room";
