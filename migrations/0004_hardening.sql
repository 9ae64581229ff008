-- Sessions that ended (sign-out, revocation, a deleted user), kept until they would have expired:
-- the socket upgrade re-checks here after recording the socket, so a sign-out racing an upgrade
-- (or a session still cached in another location's KV) never leaves a socket open.
CREATE TABLE "revoked_session" (
	"sessionId" TEXT NOT NULL PRIMARY KEY,
	"expiresAt" INTEGER NOT NULL,
	"revokedAt" INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX "revoked_session_expires" ON "revoked_session" ("expiresAt");

-- When the room last stored a message, copied with latestSeq: public rooms are browsed by
-- activity, so a flood of empty rooms with clever names cannot push the real ones out of sight.
ALTER TABLE "room" ADD COLUMN "lastMessageAt" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "room_activity" ON "room" ("visibility", "lastMessageAt" DESC);
-- Rooms a user created recently, for the daily quota.
CREATE INDEX "room_creator" ON "room" ("createdBy", "createdAt");

-- Invite links expire; links made before this migration get the default week from their creation.
ALTER TABLE "room_invite" ADD COLUMN "expiresAt" INTEGER NOT NULL DEFAULT 0;
UPDATE "room_invite" SET "expiresAt" = "createdAt" + 604800000;
CREATE INDEX "room_invite_expires" ON "room_invite" ("expiresAt");
