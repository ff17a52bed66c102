import { loginBody, registerBody } from '../../lib/identity/schemas';

const valid = { email: 'someone@example.com', password: 'x'.repeat(12) };

describe('registerBody', () => {
  it('trims and lower-cases the email, and trims the name', () => {
    expect(registerBody.parse({ ...valid, email: '  Some.One@Example.COM ', name: '  Ada  ' }))
      .toEqual({ ...valid, email: 'some.one@example.com', name: 'Ada' });
  });

  it.each([
    ['a 12-character password', { password: 'x'.repeat(12) }],
    ['a 128-character password', { password: 'x'.repeat(128) }],
    ['a 100-character name', { name: 'n'.repeat(100) }],
    ['no name', {}],
  ])('accepts %s', (_label, change) => {
    expect(registerBody.safeParse({ ...valid, ...change }).success).toBe(true);
  });

  it.each([
    ['an address that is not an email', { email: 'not-an-email' }, 'email'],
    ['an email over 254 characters', { email: `${'a'.repeat(250)}@x.io` }, 'email'],
    ['an 11-character password', { password: 'x'.repeat(11) }, 'password'],
    ['a 129-character password', { password: 'x'.repeat(129) }, 'password'],
    ['a 101-character name', { name: 'n'.repeat(101) }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['an email that is a number', { email: 42 }, 'email'],
    ['a password that is a boolean', { password: true }, 'password'],
    ['an unknown field', { role: 'admin' }, ''],
  ])('refuses %s', (_label, change, path) => {
    const result = registerBody.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});

describe('loginBody', () => {
  it('normalizes the email as registration does, so a user can log in however they type it', () => {
    expect(loginBody.parse({ email: ' SomeOne@Example.com', password: 'p' }).email).toBe('someone@example.com');
  });

  it('bounds the password, so a huge one cannot cost hashing time', () => {
    expect(loginBody.safeParse({ email: valid.email, password: 'x'.repeat(129) }).success).toBe(false);
    expect(loginBody.safeParse({ email: valid.email, password: '' }).success).toBe(false);
  });
});
