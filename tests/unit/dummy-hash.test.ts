import argon2 from 'argon2';

jest.mock('argon2', () => ({
  __esModule: true,
  default: { argon2id: 2, hash: jest.fn(async () => '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$ZHVtbXk'), verify: jest.fn(async () => false) },
}));

describe('the dummy hash of unknown emails', () => {
  it('is made when the login handler loads, once, and not by the first unknown email', async () => {
    expect(argon2.hash).not.toHaveBeenCalled();
    await import('../../functions/users/login');
    expect(argon2.hash).toHaveBeenCalledTimes(1);
    const { verifyAgainstDummy } = await import('../../lib/identity/passwords');
    await verifyAgainstDummy('a-guess');
    await verifyAgainstDummy('another-guess');
    expect(argon2.hash).toHaveBeenCalledTimes(1);
    expect(argon2.verify).toHaveBeenCalledTimes(2);
    expect(argon2.verify).toHaveBeenCalledWith(await (argon2.hash as jest.Mock).mock.results[0]!.value, 'a-guess');
  });
});
