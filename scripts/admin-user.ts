import { registerBody } from '../lib/identity/schemas';
import { ensureAdmin } from '../lib/identity/users';
import { parseWith } from '../lib/http/input';

/**
 * Validates an email and password with the register rules, then creates or promotes that admin; an existing user's
 * password is changed only with `resetPassword`, and `totpSecret` (base32) turns its MFA on with that secret.
 */
export async function ensureAdminUser(email: string, password: string, options: { resetPassword?: boolean; totpSecret?: string } = {}) {
  return ensureAdmin(parseWith(registerBody, { email, password }, 'admin'), options);
}
