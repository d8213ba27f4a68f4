/**
 * Not API: the core's JDK Flight Recorder events ({@code dev.tandem.PairOpened}, {@code PairClosed},
 * {@code PairStuck}, {@code HookFailed}, {@code ManagerShutdown}), package-private, emitted through
 * {@link dev.tandem.core.jfr.CoreEvents}. Settings: {@code /dev/tandem/tandem.jfc} in this jar.
 */
package dev.tandem.core.jfr;
