import { MfaSessionRequiredError, type AppError } from '../errors';
import type { Caller } from './model';

/*
 * Admin power, in one place. An admin holds it only in a session opened with MFA: a stolen admin password alone
 * reaches nothing beyond what a user's would. Every rule that lets an admin do what a user may not asks
 * `usesAdminPower` (seeing another's account or transaction, who initiated a transaction) or `requireAdminPower`
 * (opening system, hot or others' accounts, moving money out of system or others' accounts, user management), and
 * code added later must do the same rather than test the role itself.
 */

/** Whether the caller acts with admin power: an admin whose session was opened with MFA. */
export function usesAdminPower(caller: Caller): boolean {
  return caller.role === 'admin' && caller.mfa;
}

/**
 * What a caller without admin power is told when it reaches for something only admin power allows: an admin in a
 * session without MFA, `mfa_required` (403), so that it knows to log in again with its code; anyone else `otherwise`
 * (`forbidden`, or a not-found for something it may not know exists).
 */
export function withoutAdminPower(caller: Caller, otherwise: AppError): AppError {
  return caller.role === 'admin' && !caller.mfa ? new MfaSessionRequiredError() : otherwise;
}

/** Throws unless the caller acts with admin power: `mfa_required` for an admin without MFA, else `otherwise`. */
export function requireAdminPower(caller: Caller, otherwise: AppError): void {
  if (!usesAdminPower(caller)) throw withoutAdminPower(caller, otherwise);
}
