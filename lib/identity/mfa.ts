import { config } from '../config';
import { InvalidCredentialsError, InvalidTotpError, MfaCodeRequiredError, MfaNotPendingError, MfaSessionRequiredError, UserNotFoundError } from '../errors';
import { confirmTotpSecret, findUserByEmail, findUserById, setPendingTotpSecret, setTotpFactor, useTotpStep } from '../storage/users';
import type { Caller, UserRecord } from './model';
import { toUserView } from './profile';
import type { MfaEnrolmentView, UserView } from './schemas';
import { matchTotp, newTotpSecret, normalizeTotpSecret, otpauthUrl } from './totp';

/*
 * Multi-factor authentication with TOTP (./totp.ts). Enrolling stores a pending secret, which does nothing until a
 * code of it confirms it; from then on login needs a code too, and each code logs in once. A user whose MFA is on
 * enrols again (a new device) only from a session opened with MFA, so a stolen password alone cannot replace the
 * factor; its current secret keeps working until the new one is confirmed.
 */

async function userOf(caller: Caller): Promise<UserRecord> {
  const user = await findUserById(caller.userId);
  if (!user) throw new UserNotFoundError('The user no longer exists.');
  if (user.totp && !caller.mfa) throw new MfaSessionRequiredError();
  return user;
}

/** Starts an enrolment: a new random secret, pending until `confirmMfa`, shown here and nowhere else. */
export async function enrolMfa(caller: Caller): Promise<MfaEnrolmentView> {
  const user = await userOf(caller);
  const secret = newTotpSecret();
  await setPendingTotpSecret(user.id, secret);
  return { secret, otpauthUrl: otpauthUrl(config.tokenIssuer, user.email, secret) };
}

/**
 * Confirms the pending secret with a current code of it, which turns MFA on (`invalid_totp` for a wrong code,
 * `mfa_not_pending` with nothing to confirm). The confirming code counts as used: it cannot then log in.
 */
export async function confirmMfa(caller: Caller, code: string): Promise<void> {
  const user = await userOf(caller);
  if (!user.pendingTotpSecret) throw new MfaNotPendingError();
  const step = matchTotp(user.pendingTotpSecret, code, Date.now());
  if (step === undefined) throw new InvalidTotpError();
  // Another enrolment replaced the pending secret meanwhile: this code is not of the secret now pending.
  if (!(await confirmTotpSecret(user.id, user.pendingTotpSecret, step))) throw new InvalidTotpError();
}

/**
 * The second factor of a login whose password was right: whether the session opens with MFA. A user without MFA
 * needs no code (one sent is ignored); one with MFA and no code is `mfa_required`; a wrong code, or one of a step
 * already used, is `invalid_credentials`, which the login throttle counts as a failure like a wrong password.
 */
export async function secondFactor(user: UserRecord, code: string | undefined): Promise<boolean> {
  if (!user.totp) return false;
  if (code === undefined) throw new MfaCodeRequiredError();
  const step = matchTotp(user.totp.secret, code, Date.now());
  if (step === undefined || step <= user.totp.lastStep) throw new InvalidCredentialsError();
  if (!(await useTotpStep(user.id, user.totp.secret, step))) throw new InvalidCredentialsError();
  return true;
}

/**
 * Turns MFA on for the user with this email, with a base32 secret given by an operator (`npm run admin -- mfa`),
 * confirmed at once; it replaces the factor of a user that lost its device. The same secret again changes nothing.
 */
export async function setTotpFactorOf(email: string, secret: string): Promise<UserView> {
  const user = await findUserByEmail(email.trim().toLowerCase());
  if (!user) throw new UserNotFoundError('No user has that email.');
  await setTotpFactor(user.id, normalizeTotpSecret(secret));
  return toUserView(user);
}
