package io.apimeter.e2e;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the body of every HTTP answer the test receives once started, to look for what must not be in them. */
final class AnswerRecorder implements Filter {
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile boolean recording;

    void start() {
        recording = true;
    }

    List<String> bodies() {
        return bodies;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                           FilterContext context) {
        Response answer = context.next(request, response);
        if (recording) {
            bodies.add(answer.asString());
        }
        return answer;
    }
}
