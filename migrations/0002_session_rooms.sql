-- Which rooms each session has opened a socket to, so that ending a session (sign-out,
-- revocation, account deletion) can close exactly those sockets.
CREATE TABLE "session_room" (
	"sessionId" TEXT NOT NULL,
	"roomId" TEXT NOT NULL,
	"connectedAt" INTEGER NOT NULL,
	PRIMARY KEY ("sessionId", "roomId")
) WITHOUT ROWID;
