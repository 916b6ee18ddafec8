package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.ShutdownReason;

/**
 * What a {@link DriverClient} tells its owner, on the thread calling {@code doWork()}. Every method has a no-op
 * default.
 */
public interface DriverClientListener
{
    /** A lease was granted; map {@code attachment.layout()} now. */
    default void onAttached(final DriverAttachment attachment)
    {
    }

    /**
     * The stream moved to a new epoch while the lease stays valid (a consumer after the producer changed): unmap the
     * old regions, drop in-flight frames and map {@code attachment.layout()} (Driver §4.9, Wire §15.2).
     */
    default void onLayoutChanged(final DriverAttachment attachment)
    {
    }

    /**
     * The producer lease of the consumed stream ended: stop reading the current regions and wait for
     * {@link #onLayoutChanged} (Driver §4.9).
     */
    default void onProducerRevoked(final int streamId, final long producerLeaseId)
    {
    }

    /**
     * This client's own lease is gone (revoked, expired, keepalive failure, protocol error, driver shutdown): stop
     * using every mapped region immediately and drop in-flight frames. The client reattaches on its own unless it
     * was closed.
     */
    default void onLeaseLost(final String reason)
    {
    }

    /** An attach attempt failed (a refusal from the driver, a timeout, or a protocol error); a retry follows. */
    default void onAttachFailed(final ResponseCode code, final String message)
    {
    }

    /** The driver announced its shutdown (Driver §4.13). */
    default void onDriverShutdown(final ShutdownReason reason, final String message)
    {
    }
}
