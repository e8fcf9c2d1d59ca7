package io.apimeter.simulator.http;

/** Answers one request. Runs on an event loop: never block; use a timer to wait. */
@FunctionalInterface
public interface RouteHandler {

    void handle(Exchange exchange);
}
