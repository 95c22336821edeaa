// Preloaded into a gateway process (NODE_OPTIONS=--import) to set its wall clock CLOCK_SKEW_MS
// apart from the machine's, as an instance on another host whose clock drifted would be: Date
// (now, and new Date() without arguments) moves; timers, which run on the monotonic clock, do not.
const skew = Number(process.env.CLOCK_SKEW_MS ?? 0);
if (skew !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skew);
      else super(...args);
    }
    static now() {
      return realNow() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}
