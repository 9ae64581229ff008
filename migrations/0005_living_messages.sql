-- Protocol 4: changes to messages (edits, deletes, reactions) take seqs of their own, so seqs no
-- longer count messages. Unread counts move to message ordinals (`n`), which only new messages
-- advance; until now every seq was a message, so the ordinals start equal to the seqs.
ALTER TABLE "room" ADD COLUMN "latestN" INTEGER NOT NULL DEFAULT 0;
UPDATE "room" SET "latestN" = "latestSeq";
ALTER TABLE "room_member" ADD COLUMN "lastReadN" INTEGER NOT NULL DEFAULT 0;
UPDATE "room_member" SET "lastReadN" = "lastReadSeq";

-- Moderators, named by the room's owner (its creator, `room.createdBy`): they may delete anyone's
-- message in the room. Leaving the room ends the role with the membership.
ALTER TABLE "room_member" ADD COLUMN "role" TEXT NOT NULL DEFAULT 'member' CHECK ("role" IN ('member', 'moderator'));
