/** What `promise` rejected with; fails the test if it resolved instead. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => { throw new Error('expected a rejection, but the promise resolved'); },
    (error: unknown) => error,
  );
}
