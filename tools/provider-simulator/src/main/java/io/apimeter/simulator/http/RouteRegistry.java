package io.apimeter.simulator.http;

import io.vertx.core.http.HttpMethod;

/**
 * Where a {@link ProviderRoutes} declares its routes. Paths are relative to the provider's prefix and may
 * hold {@code {name}} segments, read back with {@link Exchange#pathParam(String)}.
 */
public interface RouteRegistry {

    void route(HttpMethod method, String path, RouteHandler handler);

    default void get(String path, RouteHandler handler) {
        route(HttpMethod.GET, path, handler);
    }

    default void post(String path, RouteHandler handler) {
        route(HttpMethod.POST, path, handler);
    }

    default void delete(String path, RouteHandler handler) {
        route(HttpMethod.DELETE, path, handler);
    }
}
