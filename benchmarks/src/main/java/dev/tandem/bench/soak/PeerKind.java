package dev.tandem.bench.soak;

import dev.tandem.core.CloseReason;

/** How a soak client behaves, and the close reason the server should record for it. */
enum PeerKind {
    /** Sends a line, reads the echo, closes (FIN). */
    NORMAL('N', CloseReason.READER_EOF, "says a line, reads the echo, closes"),
    /** Sends a line, reads the echo, closes with SO_LINGER 0 (RST). */
    RESET('R', CloseReason.READER_ERROR, "says a line, reads the echo, resets (SO_LINGER 0 close)"),
    /** Sends a line, reads the echo, then does nothing at all: no FIN, no RST, no byte. */
    VANISH('V', CloseReason.IDLE_TIMEOUT, "says a line, reads the echo, then goes silent with the socket open"),
    /** Asks for a 1 MiB reply and never reads it. */
    STOP_READING('F', CloseReason.WRITE_TIMEOUT, "asks for a 1 MiB reply and never reads");

    final char code;
    final CloseReason expected;
    final String behaviour;

    PeerKind(char code, CloseReason expected, String behaviour) {
        this.code = code;
        this.expected = expected;
        this.behaviour = behaviour;
    }

    static PeerKind of(char code) {
        for (PeerKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
