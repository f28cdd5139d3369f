package dev.coldsendproxy.lead;

import java.util.List;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;

import org.jboss.logging.Logger;

/**
 * Lets {@link AccessLines} see that a log handler failed to write its lines (a file handler on a
 * full disk). A handler reports such a failure only to its {@link ErrorManager}, and the usual one
 * prints the first report and none after it, so every later line would be lost without a trace.
 * This error manager takes the handler's place, notes the failure for the thread that was logging,
 * and passes every report on to the handler's own error manager unchanged.
 *
 * <p>A failure is seen when the handler reports it, on the logging thread. The console handler
 * writes through {@code System.out}, a {@code PrintStream} that keeps its write failures to itself;
 * an async handler writes on its own thread. Neither failure is seen.
 */
final class SinkFailures extends ErrorManager {

    private static final Logger LOG = Logger.getLogger(SinkFailures.class);
    /** Per thread: whether a watched handler reported a failure since {@link #failedWhile} began. */
    private static final ThreadLocal<boolean[]> FAILED = ThreadLocal.withInitial(() -> new boolean[1]);

    private final ErrorManager original;

    private SinkFailures(ErrorManager original) {
        this.original = original;
    }

    /** Puts a {@code SinkFailures} in front of the error manager of each of {@code handlers}, once. */
    static void watch(List<Handler> handlers) {
        for (Handler handler : handlers) {
            ErrorManager current = handler.getErrorManager();
            if (current instanceof SinkFailures) {
                continue;
            }
            try {
                handler.setErrorManager(new SinkFailures(current == null ? new ErrorManager() : current));
            } catch (RuntimeException refused) { // a protected handler: its failures stay unseen
                LOG.debugf("access lines cannot watch %s for failed writes: %s", handler.getClass().getName(),
                        refused.getMessage());
            }
        }
    }

    /**
     * Runs {@code write} on this thread and says whether a watched handler reported a failure
     * meanwhile: then the lines it was writing are lost, or written only in part.
     */
    static boolean failedWhile(Runnable write) {
        boolean[] failed = FAILED.get();
        failed[0] = false;
        try {
            write.run();
            return failed[0];
        } finally {
            failed[0] = false;
        }
    }

    @Override
    public void error(String message, Exception cause, int code) {
        FAILED.get()[0] = true;
        original.error(message, cause, code);
    }
}
