import { readOnce } from '../../lib/read-once';

describe('a read memoized for one unit of work', () => {
  it('reads each key once, however many calls share it, keyed as asked', async () => {
    const read = jest.fn(async (scope: { owner: string }) => `routes of ${scope.owner}`);
    const routesOf = readOnce(read, (scope) => scope.owner);
    const answers = await Promise.all([routesOf({ owner: 'a' }), routesOf({ owner: 'a' }), routesOf({ owner: 'b' })]);
    expect(answers).toEqual(['routes of a', 'routes of a', 'routes of b']);
    expect(await routesOf({ owner: 'a' })).toBe('routes of a');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('does not keep a read that failed: the next call for its key reads again', async () => {
    let calls = 0;
    const endpointOf = readOnce(async (id: string) => {
      calls += 1;
      if (calls === 1) throw new Error('busy');
      return `endpoint ${id}`;
    });
    await expect(endpointOf('e1')).rejects.toThrow('busy');
    expect(await endpointOf('e1')).toBe('endpoint e1');
    expect(await endpointOf('e1')).toBe('endpoint e1');
    expect(calls).toBe(2);
  });
});
