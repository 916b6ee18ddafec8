package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShutdownReason;

/**
 * Callbacks of a {@link DriverEventPoller} for driver-to-client messages. Every method has a no-op default; each is
 * called on the polling thread only for a message that passed the schema, template, version, block length and enum
 * checks.
 */
public interface DriverEventListener
{
    /**
     * A {@code ShmAttachResponse}; the decoder is positioned on its block and valid only during the call (the
     * {@link DriverClient} validates it, Driver §4.2).
     */
    default void onAttachResponse(final ShmAttachResponseDecoder response)
    {
    }

    /** A {@code ShmDetachResponse}. */
    default void onDetachResponse(final long correlationId, final ResponseCode code, final String errorMessage)
    {
    }

    /** A {@code ShmLeaseRevoked} notice with a known role and reason (Driver §4.9). */
    default void onLeaseRevoked(
        final long timestampNs,
        final long leaseId,
        final int streamId,
        final int clientId,
        final Role role,
        final LeaseRevokeReason reason,
        final String errorMessage)
    {
    }

    /** A {@code ShmDriverShutdown} notice (Driver §4.13): every lease of that driver is invalid. */
    default void onDriverShutdown(final long timestampNs, final ShutdownReason reason, final String errorMessage)
    {
    }
}
