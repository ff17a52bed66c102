/**
 * One Lambda instance of the Lambda model (scripts/local/lambda-model.ts): a process that loads one function's
 * bundle once, then serves the invocations its gateway sends it, one at a time, with a context whose remaining time
 * runs down from the function's timeout, as Lambda's does. Module state lives as long as the process, as it does in
 * a warm Lambda, and is never shared with another instance.
 */
import { pathToFileURL } from 'node:url';

const [bundlePath, functionName, timeoutMs] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundlePath).href);

process.on('message', async ({ id, event }) => {
  const deadlineMs = Date.now() + Number(timeoutMs);
  const context = {
    functionName,
    functionVersion: '$LATEST',
    awsRequestId: id,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  try {
    process.send({ id, result: await handler(event, context) });
  } catch (error) {
    // A handler that throws is a bug: Lambda answers API Gateway's bare 502, and so does the gateway.
    console.error(JSON.stringify({ level: 'error', message: 'the handler threw', functionName, error: String(error) }));
    process.send({ id, failed: true });
  }
});
process.send({ ready: true });
