package io.apimeter.alert;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the mailer at the scripted SMTP server, with a short mail timeout (2 s) and send lease (12 s, so an
 * answer is waited for up to 6 s), to keep the tests of late and lost answers short.
 */
public class ScriptedMailServerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", String.valueOf(ScriptedMailServer.shared().port()),
                "apimeter.alert.mail-timeout", "2s",
                "apimeter.alert.send-lease", "12s");
    }

    @Override
    public void stop() {
        // the server is shared by the class's tests and ends with the JVM
    }
}
