/**
 * Rejects when `call` has not settled within `ms`; the call itself runs on (it cannot be taken
 * back). `late` is given what it resolves to if that comes after the deadline: a bank's answer
 * that arrives late is still its answer (a payout or refund it took), and is recorded rather than
 * lost with the deadline.
 */
export function withDeadline<T>(call: Promise<T>, ms: number, late?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let passed = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      passed = true;
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  if (late) call.then((v) => passed && late(v), () => {});
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}
