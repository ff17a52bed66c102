import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/*
 * deploy/functions.cjs as serverless.yml calls it, in a Node process of its own (it loads the job declarations through
 * tsx, as the CLI does, which jest's module system does not host): a scheduled job whose local runner is npm start's
 * sweeper keeps its schedule in every deploy, and has it off in the serverless offline our scripts start
 * (PAYMENTS_OFFLINE), so that locally one runner, not two racing, does its work.
 */
const printSchedules = `
  require(${JSON.stringify(resolve(__dirname, '../../deploy/functions.cjs'))})({ resolveVariable: async () => [] }).then(({ functions }) => {
    const scheduled = Object.entries(functions).filter(([, spec]) => spec.events[0].schedule);
    console.log(JSON.stringify(Object.fromEntries(scheduled.map(([name, spec]) => [name, spec.events[0].schedule]))));
  });`;

function schedules(env: Record<string, string>): unknown {
  const { PAYMENTS_OFFLINE: _, ...inherited } = process.env;
  return JSON.parse(execFileSync(process.execPath, ['-e', printSchedules], { env: { ...inherited, ...env }, encoding: 'utf8' }));
}

describe('the local runner of scheduled jobs', () => {
  it('deploys every scheduled job on its schedule', () => {
    expect(schedules({})).toEqual({ expireHolds: 'rate(1 minute)', deliverWebhooks: 'rate(1 minute)' });
  });

  it('leaves deliverWebhooks to the sweeper under our serverless offline, and expireHolds on its schedule', () => {
    expect(schedules({ PAYMENTS_OFFLINE: 'true' })).toEqual({
      expireHolds: 'rate(1 minute)', deliverWebhooks: { rate: 'rate(1 minute)', enabled: false },
    });
  });
});
