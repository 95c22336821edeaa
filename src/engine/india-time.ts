// Days as India counts them. Banks close their statements, and payout limits reset, at midnight
// India Standard Time (UTC+05:30, no daylight saving), not at midnight UTC.
export const IST_OFFSET_MS = 330 * 60_000;
export const DAY_MS = 86_400_000;

/** Start of the day in India that holds `ms`, as epoch ms. */
export const istDayStart = (ms: number) => ms - ((((ms + IST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS);

/** The epoch ms at which the day `YYYY-MM-DD` begins in India (NaN for anything else). */
export const istMidnight = (date: string) => Date.parse(`${date}T00:00:00+05:30`);

/** The date in India (`YYYY-MM-DD`) at `ms`. */
export const istDate = (ms: number) => new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10);

/**
 * The end of the latest period of `every` ms that ended at or before `ms`, periods being laid
 * from a midnight in India: with a day, the last midnight IST.
 */
export const istPeriodEnd = (ms: number, every: number) => Math.floor((ms + IST_OFFSET_MS) / every) * every - IST_OFFSET_MS;
