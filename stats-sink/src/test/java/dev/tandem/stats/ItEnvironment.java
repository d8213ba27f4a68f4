package dev.tandem.stats;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * Where an integration test ({@code *IT}) finds its real backend: an environment variable set by the
 * backend's script in {@code .ci/services.d}. Shipped in the test-jar so every module's integration
 * tests decide the same way.
 *
 * <p>A variable that is unset means "no such backend here": the test is skipped, so a developer
 * without the servers still gets a green {@code mvn -B verify}. When {@code TANDEM_IT_REQUIRED=1}
 * (as {@code .ci/run} sets it), an unset variable fails the test instead, so CI cannot go green by
 * skipping.
 */
public final class ItEnvironment {
    private ItEnvironment() {}

    /** True when {@code TANDEM_IT_REQUIRED=1}: a missing backend is a failure. */
    public static boolean required() {
        return "1".equals(System.getenv("TANDEM_IT_REQUIRED"));
    }

    /**
     * The value of {@code variable}; skips the calling test when it is unset and backends are not
     * required, and throws {@link IllegalStateException} when they are.
     */
    public static String require(String variable) {
        Optional<String> value = Optional.ofNullable(System.getenv(variable)).filter(v -> !v.isBlank());
        if (value.isEmpty() && required()) {
            throw new IllegalStateException(variable + " is not set, and TANDEM_IT_REQUIRED=1: "
                    + "the backend script in .ci/services.d did not export it");
        }
        assumeTrue(value.isPresent(), variable + " is not set: no such backend here, test skipped "
                + "(see .ci/services.d for how CI starts it)");
        return value.get();
    }
}
