/**
 * The typed errors every cloudgate function throws. Each one extends
 * {@linkcode CloudgateError}, so a caller can tell the toolkit's own failures
 * from bugs with one `instanceof` check. No message ever holds a password,
 * API key, token or SMS code.
 *
 * @module
 */

/**
 * The base class of every error cloudgate throws on purpose.
 *
 * @example Tell cloudgate's errors from the rest
 * ```ts
 * import { CloudgateError } from "@cloudgate/toolkit";
 *
 * try {
 *   throw new CloudgateError("Cannot list regions: no login is configured");
 * } catch (error) {
 *   if (error instanceof CloudgateError) console.error(`error: ${error.message}`);
 * }
 * ```
 */
export class CloudgateError extends Error {
  /**
   * Creates an error.
   *
   * @param message One line, sentence case, no trailing period.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CloudgateError";
  }
}

/** What {@linkcode ApiError} knows about a failed call. */
export interface ApiErrorDetails {
  /** The HTTP status the server answered with. */
  status: number;
  /** The step that failed, worded to follow "Cannot", e.g. `list domains`. */
  step: string;
  /** The server's own message, or a short excerpt of a non-JSON body. */
  serverMessage?: string;
  /** The server's `result` field, where the API answered with one. */
  result?: string;
}

/**
 * The API answered with a non-2xx status or an unexpected `result`.
 *
 * @example
 * ```ts
 * import { ApiError } from "@cloudgate/toolkit";
 *
 * const error = new ApiError({ status: 401, step: "list domains", serverMessage: "Invalid token" });
 * console.log(error.message); // Cannot list domains: the server answered 401: Invalid token
 * ```
 */
export class ApiError extends CloudgateError {
  /** The HTTP status. */
  readonly status: number;
  /** The step that failed. */
  readonly step: string;
  /** The server's message, if it gave one. */
  readonly serverMessage: string | undefined;
  /** The API's `result` field, where it answered with one. */
  readonly result: string | undefined;

  /**
   * Creates an API error.
   *
   * @param details The status, the step and the server's message.
   * @param options The underlying `cause`, if any.
   */
  constructor(details: ApiErrorDetails, options?: ErrorOptions) {
    const tail = details.serverMessage ? `: ${details.serverMessage}` : "";
    super(
      `Cannot ${details.step}: the server answered ${details.status}${tail}`,
      options,
    );
    this.name = "ApiError";
    this.status = details.status;
    this.step = details.step;
    this.serverMessage = details.serverMessage;
    this.result = details.result;
  }
}

/**
 * A request took longer than its timeout.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@cloudgate/toolkit";
 *
 * const error = new TimeoutError("Cannot list domains: the request timed out after 30000 ms");
 * console.log(error.name); // TimeoutError
 * ```
 */
export class TimeoutError extends CloudgateError {
  /**
   * Creates a timeout error.
   *
   * @param message One line naming the step and the timeout.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * The server could not be reached, or the connection broke.
 *
 * @example
 * ```ts
 * import { NetworkError } from "@cloudgate/toolkit";
 *
 * const error = new NetworkError('Cannot list domains: cannot reach "rest.cleura.cloud": connection refused');
 * console.log(error.name); // NetworkError
 * ```
 */
export class NetworkError extends CloudgateError {
  /**
   * Creates a network error.
   *
   * @param message One line naming the step and the host.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NetworkError";
  }
}

/**
 * The server answered 2xx, but with a body that is not what the API documents:
 * not JSON, the wrong shape, or larger than the size cap.
 *
 * @example
 * ```ts
 * import { ResponseFormatError } from "@cloudgate/toolkit";
 *
 * const error = new ResponseFormatError("Cannot list domains: the response is not JSON");
 * console.log(error.name); // ResponseFormatError
 * ```
 */
export class ResponseFormatError extends CloudgateError {
  /**
   * Creates a format error.
   *
   * @param message One line naming the step or endpoint.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ResponseFormatError";
  }
}

/**
 * A configuration value (an environment variable or an option) is missing or
 * invalid. The message names the variable or option at fault.
 *
 * @example
 * ```ts
 * import { ConfigError } from "@cloudgate/toolkit";
 *
 * const error = new ConfigError('ITOPIA_ORGANIZATION_ID must be a whole number, got "abc"');
 * console.log(error.name); // ConfigError
 * ```
 */
export class ConfigError extends CloudgateError {
  /**
   * Creates a configuration error.
   *
   * @param message One line naming the variable or option.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/**
 * A login could not complete for a reason other than an HTTP failure: the
 * account needs a second factor the API cannot use, no SMS code was given, or
 * the user declined.
 *
 * @example
 * ```ts
 * import { AuthError } from "@cloudgate/toolkit";
 *
 * const error = new AuthError('Cannot log in "bob": no SMS code was given');
 * console.log(error.name); // AuthError
 * ```
 */
export class AuthError extends CloudgateError {
  /**
   * Creates an authentication error.
   *
   * @param message One line naming the account and the reason.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AuthError";
  }
}

/**
 * A login needs an SMS code, but there is no way to ask for one here (no
 * `askCode` was given). Raised before any SMS is sent.
 *
 * @example
 * ```ts
 * import { AuthError, SmsCodeRequiredError } from "@cloudgate/toolkit";
 *
 * const error = new SmsCodeRequiredError('Cannot log in "bob": the account needs an SMS code');
 * console.log(error instanceof AuthError); // true
 * ```
 */
export class SmsCodeRequiredError extends AuthError {
  /**
   * Creates the error.
   *
   * @param message One line naming the account.
   * @param options The underlying `cause`, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SmsCodeRequiredError";
  }
}

/**
 * The API answered 404 for one thing: the message says what is missing and
 * where. An {@linkcode ApiError} with status 404, whose `cause` is the
 * original one.
 *
 * @example
 * ```ts
 * import { ApiError, NotFoundError } from "@cloudgate/toolkit";
 *
 * const error = new NotFoundError('Cannot get Kubernetes cluster "x": there is no such cluster', {
 *   cause: new ApiError({ status: 404, step: 'get Kubernetes cluster "x"' }),
 * });
 * console.log(error instanceof ApiError, error.status); // true 404
 * ```
 */
export class NotFoundError extends ApiError {
  /**
   * Creates the error.
   *
   * @param message One line saying what is missing and where.
   * @param options The API's 404 error, as `cause`.
   */
  constructor(message: string, options: { cause: ApiError }) {
    const { cause } = options;
    const details: ApiErrorDetails = { status: cause.status, step: cause.step };
    if (cause.serverMessage !== undefined) {
      details.serverMessage = cause.serverMessage;
    }
    if (cause.result !== undefined) details.result = cause.result;
    super(details, { cause });
    this.message = message;
    this.name = "NotFoundError";
  }
}
