import fc from 'fast-check';
import { EmailTakenError, InvalidCredentialsError, UnauthorizedError, ValidationError } from '../../lib/errors';
import { problemResponse } from '../../lib/http/problem';

function parse(response: ReturnType<typeof problemResponse>) {
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(String(response.body)) };
}

describe('problemResponse', () => {
  it('shows an AppError as an RFC 9457 problem with its status, stable code and message', () => {
    const { status, headers, body } = parse(problemResponse(new EmailTakenError()));
    expect(status).toBe(409);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toEqual({ type: '/problems/email_taken', title: 'Conflict', status: 409, detail: 'An account with this email already exists.', code: 'email_taken' });
  });

  it('lists field errors for a validation failure', () => {
    const fieldErrors = [{ path: 'body.email', message: 'Invalid email address' }];
    const { status, body } = parse(problemResponse(new ValidationError('The request body is invalid.', fieldErrors)));
    expect(status).toBe(400);
    expect(body.code).toBe('validation_failed');
    expect(body.errors).toEqual(fieldErrors);
  });

  it('leaves out `errors` when there are none', () => {
    expect(parse(problemResponse(new ValidationError('Bad.'))).body).not.toHaveProperty('errors');
  });

  it('asks for a bearer token on every 401 and on nothing else', () => {
    expect(parse(problemResponse(new UnauthorizedError())).headers['www-authenticate']).toBe('Bearer');
    expect(parse(problemResponse(new InvalidCredentialsError())).headers['www-authenticate']).toBe('Bearer');
    expect(parse(problemResponse(new EmailTakenError())).headers).not.toHaveProperty('www-authenticate');
  });

  it('turns a plain Error into a bare 500 that shows neither message nor stack', () => {
    const error = new Error('connect to db://admin:hunter2@10.0.0.7 failed');
    const { status, headers, body } = parse(problemResponse(error));
    expect(status).toBe(500);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toEqual({
      type: '/problems/internal_error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: 'internal_error',
    });
  });

  it.each([['a string', 'secret-string'], ['undefined', undefined], ['an object', { password: 'hunter2' }]])(
    'answers 500 internal_error when %s is thrown',
    (_label, thrown) => {
      const { status, body } = parse(problemResponse(thrown));
      expect(status).toBe(500);
      expect(body.code).toBe('internal_error');
      expect(JSON.stringify(body)).not.toMatch(/secret-string|hunter2/);
    },
  );

  it('never echoes the message of an unexpected error, whatever it says', () => {
    const genericBody = JSON.stringify(parse(problemResponse(new Error('x'))).body);
    fc.assert(
      fc.property(
        fc.string({ minLength: 6 }).filter((message) => !genericBody.includes(JSON.stringify(message).slice(1, -1))),
        (message) => {
          const response = problemResponse(new Error(message));
          return response.statusCode === 500 && !String(response.body).includes(JSON.stringify(message).slice(1, -1));
        },
      ),
    );
  });
});
