package io.apimeter.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one benchmark run does.
 *
 * @param gateway        OpenAI base URL of the gateway, e.g. {@code http://127.0.0.1:8080/openai/v1}
 * @param direct         OpenAI base URL of the provider simulator, e.g. {@code http://127.0.0.1:8090/openai/v1}
 * @param apiKey         platform API key sent to the gateway
 * @param providerKey    key sent to the simulator on direct calls (it takes any non-empty key)
 * @param model          model named in every request
 * @param rates          fixed request rates (requests per second) measured one after the other; may be empty
 * @param duration       measured time per rate, target and mode
 * @param warmup         unmeasured load before the first rate of each mode, split between the two targets
 * @param rounds         number of direct/gateway alternations a rate's duration is split into
 * @param modes          {@code false} (whole answers), {@code true} (streamed answers), or both
 * @param connections    connections the generator keeps open to each target
 * @param timeout        a request without an answer for this long counts as an error
 * @param maxPending     requests waiting or in flight beyond which a due request is dropped (counted as an error)
 * @param search         whether to ramp the rate to find the gateway's throughput ceiling
 * @param searchStart    first rate of the ramp
 * @param searchStep     rate increase between two steps of the ramp
 * @param searchMax      the ramp stops here even if the gateway still keeps up
 * @param searchDuration measured time of one ramp step per target
 * @param searchRefine   number of halvings of the step between the last rate passed and the first failed
 * @param gatewayPid     process id of the gateway, to read its memory and CPU from {@code /proc}; 0 if unknown
 */
record Options(URI gateway, URI direct, String apiKey, String providerKey, String model, List<Integer> rates,
               Duration duration, Duration warmup, int rounds, List<Boolean> modes, int connections,
               Duration timeout, int maxPending, boolean search, int searchStart, int searchStep, int searchMax,
               Duration searchDuration, int searchRefine, long gatewayPid) {

    Options {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(direct, "direct");
        rates = List.copyOf(rates);
        modes = List.copyOf(modes);
    }
}
