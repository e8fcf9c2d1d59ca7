package io.apimeter.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface, below Linux's ephemeral range (32768 and up). A port handed out here is
 * bound by its server a moment later, or again after a restart; in the ephemeral range an outgoing connection of
 * any process could be given it meanwhile and the server would not start. No port is handed out twice in a JVM.
 */
public final class FreePorts {
    private static final int FIRST = 20_000;
    private static final int COUNT = 12_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = FIRST + ThreadLocalRandom.current().nextInt(COUNT);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // in use; try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + FIRST + " and " + (FIRST + COUNT));
    }
}
