import Foundation

/// Builds the HTTP client every service uses: retries outermost, then debug logging (so each attempt is
/// logged), then the deadline (so each attempt is bounded), then the transport. Services add their own
/// authentication with `HTTPClient.adding(_:)`.
public enum HTTPStack {
    public static func make(
        config: ConnectorConfig, deadline: Deadline, logger: Logger,
        transport: any ClientTransport, retryPolicy: RetryPolicy = .standard,
        sleep: @escaping RetryMiddleware.Sleep = RetryMiddleware.taskSleep
    ) -> HTTPClient {
        // TIMEOUT_SECONDS is the connector's only per-request limit; it applies to the ITSM as well as to OpCon.
        let timeout = config.opcon.timeoutSeconds
        return HTTPClient(
            transport: transport,
            middlewares: [
                RetryMiddleware(policy: retryPolicy, deadline: deadline, logger: logger, sleep: sleep),
                DebugLoggingMiddleware(logger: logger),
                DeadlineMiddleware(deadline: deadline, requestTimeout: timeout),
            ])
    }
}
