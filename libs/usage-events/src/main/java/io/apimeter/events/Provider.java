package io.apimeter.events;

/** The AI providers whose calls the platform meters. */
public enum Provider {
    OPENAI,
    ELEVENLABS,
    SMARTFLO
}
