package io.apimeter.readbenchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a batch of requests on the fixed pool of {@code --concurrency} threads and waits for all; with one thread
 * they go one after the other, in order. The results come back in the order of the tasks.
 */
final class Requests {
    private Requests() {
    }

    /** A request: may fail the run (no token) or be interrupted; any other problem is its own result. */
    interface Task<T> {
        T call() throws Failure, InterruptedException;
    }

    static <T> List<T> run(ExecutorService pool, List<Task<T>> tasks) throws Failure, InterruptedException {
        List<Callable<T>> callables = new ArrayList<>(tasks.size());
        for (Task<T> task : tasks) {
            callables.add(task::call);
        }
        List<Future<T>> futures = pool.invokeAll(callables);
        List<T> results = new ArrayList<>(futures.size());
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Failure failure) {
                    throw failure;
                }
                if (cause instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(cause);
            }
        }
        return results;
    }
}
