import { AppError } from '../app-error';

/*
 * The errors of multi-factor authentication (lib/identity/mfa.ts, lib/identity/admin-power.ts). lib/errors.ts
 * re-exports them and lists them in the catalogue; they live here so that the catalogue module stays one screenful.
 */

/**
 * A login with the right password of a user whose MFA is on, but no `totp`: the client asks for a code and logs in
 * again. Answered only after the password was checked, so it tells a guesser nothing the password did not.
 */
export class MfaCodeRequiredError extends AppError {
  static readonly code = 'mfa_required';
  static readonly status = 401;
  constructor() {
    super('This user logs in with a TOTP code too: send it as totp.');
  }
}

/**
 * An action that needs admin power (or a change to MFA itself) from a session opened without MFA. The same code as a
 * login without its code, on purpose: either way the caller is told to log in with a TOTP code.
 */
export class MfaSessionRequiredError extends AppError {
  static readonly code = 'mfa_required';
  static readonly status = 403;
  constructor() {
    super('This needs a session opened with MFA: log in again with your TOTP code.');
  }
}

/** A MFA confirmation with a code that is not the pending secret's now (or was used already). */
export class InvalidTotpError extends AppError {
  static readonly code = 'invalid_totp';
  static readonly status = 422;
  constructor() {
    super('The TOTP code does not match; check the device clock and enter the current code.');
  }
}

/** A MFA confirmation with no enrolment pending: POST /api/v1/users/me/mfa first. */
export class MfaNotPendingError extends AppError {
  static readonly code = 'mfa_not_pending';
  static readonly status = 409;
  constructor() {
    super('No MFA enrolment is pending; start one with POST /api/v1/users/me/mfa.');
  }
}
