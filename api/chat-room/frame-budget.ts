/**
 * Refused frames in a row after which a socket is closed (CLOSE_FLOODING): a client that keeps
 * going after being told to slow down is broken or hostile, and each refusal still costs a frame.
 */
export const FLOOD_STRIKES = 20;

import { CLOSE_FLOODING } from "../protocol/room-protocol";
import { sendFrame } from "./frames";
import { closeQuietly } from "./session-expiry";

export type FrameVerdict = { ok: true } | { ok: false; retryAfterMs: number; close: boolean };

type Bucket = { tat: number; strikes: number };

/**
 * What every frame a socket sends costs, whatever its type: `hello`, `typing`, a bad frame and an
 * unknown type use the socket's budget just as `send` does (which also has its per-user limit).
 * A token bucket per socket as a GCRA: a burst, then a steady rate. Kept in memory: a socket that
 * is sending never hibernates, and one that woke from hibernation was quiet long enough to have
 * its whole burst back.
 */
export class FrameBudget {
	private readonly buckets = new WeakMap<WebSocket, Bucket>();
	private readonly intervalMs: number;
	private readonly toleranceMs: number;

	constructor(
		burst: number,
		perSecond: number,
		private readonly strikesBeforeClose = FLOOD_STRIKES,
	) {
		this.intervalMs = 1000 / perSecond;
		this.toleranceMs = this.intervalMs * (burst - 1);
	}

	/** Charges one frame to `ws`. */
	charge(ws: WebSocket, now: number): FrameVerdict {
		const bucket = this.buckets.get(ws) ?? { tat: now, strikes: 0 };
		this.buckets.set(ws, bucket);
		const tat = Math.max(bucket.tat, now);
		const allowedAt = tat - this.toleranceMs;
		if (now < allowedAt) {
			bucket.strikes++;
			return { ok: false, retryAfterMs: Math.ceil(allowedAt - now), close: bucket.strikes >= this.strikesBeforeClose };
		}
		bucket.tat = tat + this.intervalMs;
		bucket.strikes = 0;
		return { ok: true };
	}
}

/**
 * Charges a frame to its socket; when over budget, answers it (`rate_limited`, or a close with
 * 4008 once it goes on) and returns true: the frame is then dropped unread.
 */
export function refusedOverBudget(budget: FrameBudget, ws: WebSocket, now: number): boolean {
	const verdict = budget.charge(ws, now);
	if (verdict.ok) return false;
	if (verdict.close) closeQuietly(ws, CLOSE_FLOODING, "Too many frames.");
	else {
		const message = "You are sending too many frames; slow down.";
		sendFrame(ws, { type: "error", code: "rate_limited", message, retryAfterMs: verdict.retryAfterMs });
	}
	return true;
}
