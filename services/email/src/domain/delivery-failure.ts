/**
 * What a provider error means for delivery. SES v2 errors arrive from the AWS
 * SDK with the error's type as `name` and the HTTP status in
 * `$metadata.httpStatusCode`; a connection that failed has neither, only a
 * Node error code. Transient ones are retried by Temporal's policy; a
 * permanent one fails the email at once.
 */
export interface DeliveryFailure {
  /** The provider's error name (e.g. MessageRejected), or the connection's error code (ECONNREFUSED). */
  code: string;
  message: string;
  /** The provider's HTTP status; 0 when none came back. */
  responseCode: number;
  permanent: boolean;
  kind: 'throttled' | 'provider_unavailable' | 'connection' | 'rejected' | 'bad_credentials' | 'account' | 'bad_request' | 'unknown';
}

const TRANSIENT: Record<string, DeliveryFailure['kind']> = {
  TooManyRequestsException: 'throttled',
  LimitExceededException: 'throttled',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  ServiceUnavailable: 'provider_unavailable',
  ServiceUnavailableException: 'provider_unavailable',
  InternalFailure: 'provider_unavailable',
  InternalServiceErrorException: 'provider_unavailable',
  RequestTimeout: 'connection',
  RequestTimeoutException: 'connection',
  TimeoutError: 'connection',
};

const PERMANENT: Record<string, DeliveryFailure['kind']> = {
  MessageRejected: 'rejected',
  MailFromDomainNotVerifiedException: 'rejected',
  NotFoundException: 'bad_request',
  BadRequestException: 'bad_request',
  AccountSuspendedException: 'account',
  SendingPausedException: 'account',
  UnrecognizedClientException: 'bad_credentials',
  InvalidClientTokenId: 'bad_credentials',
  SignatureDoesNotMatch: 'bad_credentials',
  InvalidSignatureException: 'bad_credentials',
  IncompleteSignature: 'bad_credentials',
  MissingAuthenticationTokenException: 'bad_credentials',
  AccessDeniedException: 'bad_credentials',
  ExpiredTokenException: 'bad_credentials',
  // The SDK found no credentials at all (none saved, none in the environment).
  CredentialsProviderError: 'bad_credentials',
};

const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/;

interface ProviderError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** Classifies an error the SES v2 client threw. */
export function classifyDeliveryError(error: unknown): DeliveryFailure {
  const e = (error ?? {}) as ProviderError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode ?? 0;
  const message = (e.message ?? String(error)).slice(0, 1_000);
  const networkCode = e.code ?? (e.cause as ProviderError | undefined)?.code;
  if (PERMANENT[name]) return { code: name, message, responseCode: status, permanent: true, kind: PERMANENT[name] };
  if (TRANSIENT[name]) return { code: name, message, responseCode: status, permanent: false, kind: TRANSIENT[name] };
  if (status === 429) return { code: name, message, responseCode: status, permanent: false, kind: 'throttled' };
  if (status >= 500) return { code: name, message, responseCode: status, permanent: false, kind: 'provider_unavailable' };
  if (status === 401 || status === 403) return { code: name, message, responseCode: status, permanent: true, kind: 'bad_credentials' };
  if (status >= 400) return { code: name, message, responseCode: status, permanent: true, kind: 'bad_request' };
  // No answer from the provider: the connection failed or was cut. Another attempt may get through.
  if (networkCode && CONNECTION_CODES.test(networkCode))
    return { code: networkCode, message, responseCode: 0, permanent: false, kind: 'connection' };
  return { code: networkCode ?? name, message, responseCode: 0, permanent: false, kind: name === 'Error' ? 'connection' : 'unknown' };
}
