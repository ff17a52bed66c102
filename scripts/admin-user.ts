import { registerBody } from '../lib/identity/schemas';
import { ensureAdmin } from '../lib/identity/users';
import { parseWith } from '../lib/http/input';

/** Validates an email and password with the register rules, then creates or promotes that admin. */
export async function ensureAdminUser(email: string, password: string) {
  return ensureAdmin(parseWith(registerBody, { email, password }, 'admin'));
}
