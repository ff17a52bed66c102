/**
 * What `work` threw or rejected with; fails the test if it succeeded instead. `work` is a promise, or a function
 * that throws or returns a promise, so one helper serves synchronous and asynchronous failures alike.
 */
export async function caught(work: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error;
  }
  throw new Error(work instanceof Promise ? 'expected a rejection, but the promise resolved' : 'expected the call to throw');
}
