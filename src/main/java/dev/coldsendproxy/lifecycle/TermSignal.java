package dev.coldsendproxy.lifecycle;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import sun.misc.Signal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Makes SIGTERM (how Kubernetes stops a pod) an orderly exit with status 0: Quarkus stops as on
 * any exit, letting in-flight requests finish for up to {@code quarkus.shutdown.timeout}. Without
 * this the JVM's default handler runs the same shutdown but exits with 143, which reads as a crash
 * to supervisors and CI. Production only: tests and dev mode keep the JVM's own handling.
 */
@ApplicationScoped
class TermSignal {

    private static final Logger LOG = Logger.getLogger(TermSignal.class);

    void install(@Observes StartupEvent started) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        try {
            Signal.handle(new Signal("TERM"), signal -> {
                LOG.info("SIGTERM received: finishing in-flight requests, then exiting");
                Quarkus.asyncExit(0);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warnf("SIGTERM handler not installed (%s): the JVM's default applies, exit status 143",
                    e.getMessage());
        }
    }
}
