-- Sessions that ended while their user's inbox (the sidebar's socket) could not be told: the
-- hourly maintenance tells it again (api/user-inbox/inbox-revocations.ts) until it hears, or
-- until the session would have expired anyway.
CREATE TABLE "inbox_revocation" (
	"sessionId" TEXT PRIMARY KEY NOT NULL,
	"userId" TEXT NOT NULL,
	"expiresAt" INTEGER NOT NULL
);
