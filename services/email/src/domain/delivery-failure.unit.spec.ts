import { describe, expect, it } from 'vitest';
import { classifyDeliveryError } from './delivery-failure';

/** An error shaped as the AWS SDK throws it for an SES v2 answer. */
const sdkError = (name: string, status: number, message = `${name} happened`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const connectionError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('classifyDeliveryError', () => {
  it.each([
    ['TooManyRequestsException', 429, 'throttled'],
    ['LimitExceededException', 400, 'throttled'],
    ['ServiceUnavailable', 503, 'provider_unavailable'],
    ['InternalFailure', 500, 'provider_unavailable'],
    ['SomethingNew', 502, 'provider_unavailable'],
    ['SomethingElse', 429, 'throttled'],
  ])('%s (%i) is transient: Temporal retries it', (name, status, kind) => {
    expect(classifyDeliveryError(sdkError(name, status))).toEqual({
      code: name,
      message: `${name} happened`,
      responseCode: status,
      permanent: false,
      kind,
    });
  });

  it.each([
    ['MessageRejected', 400, 'rejected'],
    ['MailFromDomainNotVerifiedException', 400, 'rejected'],
    ['AccountSuspendedException', 400, 'account'],
    ['NotFoundException', 404, 'bad_request'],
    ['BadRequestException', 400, 'bad_request'],
    ['UnrecognizedClientException', 403, 'bad_credentials'],
    ['InvalidClientTokenId', 403, 'bad_credentials'],
    ['SignatureDoesNotMatch', 403, 'bad_credentials'],
    ['AnUnknown403', 403, 'bad_credentials'],
    ['AnUnknown400', 400, 'bad_request'],
  ])('%s (%i) is permanent: it fails at once', (name, status, kind) => {
    expect(classifyDeliveryError(sdkError(name, status))).toMatchObject({ code: name, responseCode: status, permanent: true, kind });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])('a connection that failed (%s) is transient, with no response code', (code) => {
    expect(classifyDeliveryError(connectionError(code))).toMatchObject({ code, responseCode: 0, permanent: false, kind: 'connection' });
  });

  it('no credentials anywhere is permanent', () => {
    expect(
      classifyDeliveryError(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })),
    ).toMatchObject({
      permanent: true,
      kind: 'bad_credentials',
    });
  });
});
