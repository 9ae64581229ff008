/**
 * The room's one alarm, shared by every job that needs a wake-up (pruning, session expiry,
 * forgetting revoked sessions). Remembers when it is set, so scheduling costs a storage read only
 * once per wake-up and a write only when the alarm moves sooner.
 */
export class AlarmSchedule {
	/** When the alarm fires; undefined until read back after a wake-up. */
	private at: number | null | undefined;

	constructor(private readonly storage: DurableObjectStorage) {}

	/** Moves the alarm to `at` when that is sooner (or, with `onlyIfUnset`, only when none is set). */
	async request(at: number, onlyIfUnset = false): Promise<void> {
		if (this.at === undefined) this.at = await this.storage.getAlarm();
		if (this.at !== null && (onlyIfUnset || this.at <= at)) return;
		this.at = at;
		await this.storage.setAlarm(at);
	}

	/** After the alarm ran: sets the next one to the soonest job that is due again, if any. */
	async fired(nextDue: Array<number | null>): Promise<void> {
		const due = nextDue.filter((t): t is number => t !== null);
		this.at = due.length ? Math.min(...due) : null;
		if (this.at !== null) await this.storage.setAlarm(this.at);
	}
}
