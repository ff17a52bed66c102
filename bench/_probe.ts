import { Progress } from './progress';
import { cpuSampler } from './cpu';
import { benchTableName, reserveDynamoEndpoint, startStack } from './stack';

async function main() {
  const rates = process.argv.slice(2).map(Number);
  const { port, endpoint } = await reserveDynamoEndpoint();
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = benchTableName;
  const shutdown = new AbortController();
  const stack = await startStack(port, shutdown.signal);
  const progress = new Progress([{ label: 'webhook first delivery', weightS: 1 }]);
  const { measureWebhookLatency } = await import('./webhook-latency');
  let pipelinePid: number | undefined;
  const webhookStack = { apiUrl: stack.api.url, startEventPipeline: async (s: AbortSignal) => { const p = await stack.startEventPipeline(s); pipelinePid = p.process.pid; return p; } };
  const sample = () => cpuSampler({ dynamodb: stack.dynamo.process.pid, api: stack.api.process.pid, pipeline: pipelinePid })();
  for (const tps of rates) {
  const context = { progress: new Progress([{ label: 'webhook first delivery', weightS: 1 }]), timing: {} as any, sampleCpu: sample };
  const first: Record<string, number> = {}; const last: Record<string, number> = {}; const firstAt: Record<string, number> = {}; const lastAt: Record<string, number> = {};
  const iv = setInterval(() => { const s = sample(); const now = Date.now(); for (const [k, v] of Object.entries(s)) { if (!(k in first)) { first[k] = v; firstAt[k] = now; } last[k] = v; lastAt[k] = now; } }, 250);
  const shape = { tps, rateShare: 1, inFlightMax: 32, warmupMs: 2000, measureMs: 8000, drainMsMax: 45000 };
  const r = await measureWebhookLatency(webhookStack, context as any, shape as any, shutdown.signal);
  clearInterval(iv);
  const cpu: Record<string, number> = {};
  for (const k of Object.keys(last)) cpu[k] = Math.round((last[k]! - first[k]!) / ((lastAt[k]! - firstAt[k]!) / 1000)) / 1000;
  const lat = r.samples.filter((s) => s.arrivedMs !== null).map((s) => s.arrivedMs! - s.answeredMs).sort((a, b) => a - b);
  const sent = r.samples.filter((s) => s.arrivedMs !== null).map((s) => s.arrivedMs! - s.sentMs).sort((a, b) => a - b);
  const api = r.samples.map((s) => s.answeredMs - s.sentMs).sort((a, b) => a - b);
  const q = (a: number[], p: number) => Math.round(a[Math.min(a.length - 1, Math.floor(p * a.length))]!);
  console.log(JSON.stringify({ tps, n: r.samples.length, sentPerS: r.samples.length / 8, api: [q(api, 0.5), q(api, 0.99)], from201: [q(lat, 0.5), q(lat, 0.99)], fromSent: [q(sent, 0.5), q(sent, 0.99)], cpuCores: cpu, drain: Math.round(r.drainMs), missing: r.samples.filter((s) => s.arrivedMs === null).length }));
  }
  await stack.stop();
  process.exit(0);
}
void main();
