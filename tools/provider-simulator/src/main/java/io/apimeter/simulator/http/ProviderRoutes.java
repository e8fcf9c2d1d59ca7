package io.apimeter.simulator.http;

/**
 * One provider's HTTP API. Add a provider by implementing this interface and passing an instance to
 * {@link Router#provider(ProviderRoutes)}.
 *
 * <p>Every request on a provider route is recorded and passes through fault injection (latency,
 * {@code x-sim-status}, {@code x-sim-close}, the global error rate) before its handler runs, so a
 * handler only implements the provider's happy path and its own validation.
 */
public interface ProviderRoutes {

    /** Where the provider's API lives, e.g. {@code /openai/v1}; route paths are relative to it. */
    String pathPrefix();

    /** Registers this provider's routes. */
    void register(RouteRegistry routes);

    /**
     * Answers with the provider's own error body.
     *
     * @param status  HTTP status, 400-599
     * @param message what went wrong, or {@code null} for the provider's usual message for that status
     * @param param   the offending request parameter, or {@code null}
     */
    void respondError(Exchange exchange, int status, String message, String param);
}
