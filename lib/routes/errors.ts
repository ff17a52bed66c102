import {
  MalformedJsonError, PayloadTooLargeError, StorageUnavailableError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError,
} from '../errors';

/** What every route that verifies a token may answer. */
export const authErrors = [UnauthorizedError] as const;

/** What every route that reads a JSON body may answer. */
export const inputErrors = [ValidationError, MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError] as const;

/** A read that DynamoDB kept throttling or timing out through the SDK's retries. */
export const storageErrors = [StorageUnavailableError] as const;
