package io.tensorpool.driver;

import io.aeron.Publication;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.shm.StreamLayout;
import org.agrona.ExpandableDirectByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the driver's messages on the control and announce publications. A failed offer is retried a bounded number
 * of times (back pressure, admin action) and then counted, never blocking the duty cycle for long. Duty-cycle thread
 * only.
 */
final class DriverPublisher
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverPublisher.class);
    private static final int OFFER_ATTEMPTS = 64;

    private final Publication control;
    private final Publication announce;
    private final DriverResponseEncoder encoder = new DriverResponseEncoder();
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64 * 1024);
    private DriverCounters counters;
    private long lastFailureLogNs;
    private boolean failureLogged;

    DriverPublisher(final Publication control, final Publication announce)
    {
        this.control = control;
        this.announce = announce;
    }

    void counters(final DriverCounters counters)
    {
        this.counters = counters;
    }

    boolean attachOk(final long correlationId, final long leaseId, final long expiryNs, final StreamLayout layout)
    {
        return offer(control, encoder.attachOk(buffer, 0, correlationId, leaseId, expiryNs, layout));
    }

    boolean attachError(final long correlationId, final ResponseCode code, final CharSequence message)
    {
        return offer(control, encoder.attachError(buffer, 0, correlationId, code, message));
    }

    boolean detachResponse(final long correlationId, final ResponseCode code, final CharSequence message)
    {
        return offer(control, encoder.detachResponse(buffer, 0, correlationId, code, message));
    }

    boolean leaseRevoked(
        final long nowNs,
        final long leaseId,
        final int streamId,
        final int clientId,
        final Role role,
        final LeaseRevokeReason reason,
        final CharSequence message)
    {
        return offer(control,
            encoder.leaseRevoked(buffer, 0, nowNs, leaseId, streamId, clientId, role, reason, message));
    }

    boolean driverShutdown(final long nowNs, final ShutdownReason reason, final CharSequence message)
    {
        return offer(control, encoder.driverShutdown(buffer, 0, nowNs, reason, message));
    }

    boolean poolAnnounce(final StreamLayout layout, final int producerId, final long nowNs)
    {
        return offer(announce, encoder.poolAnnounce(buffer, 0, layout, producerId, nowNs));
    }

    private boolean offer(final Publication publication, final int length)
    {
        long result = 0;
        for (int i = 0; i < OFFER_ATTEMPTS; i++)
        {
            result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return true;
            }
            if (result == Publication.NOT_CONNECTED)
            {
                // Nobody listening: nothing to deliver, not a failure.
                return false;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                break;
            }
            Thread.onSpinWait();
        }
        if (counters != null)
        {
            counters.sendFailures++;
        }
        final long now = System.nanoTime();
        if (!failureLogged || now - lastFailureLogNs > 1_000_000_000L)
        {
            failureLogged = true;
            lastFailureLogNs = now;
            LOG.warn("driver message not sent channel={} stream={} result={}", publication.channel(),
                publication.streamId(), result);
        }
        return false;
    }
}
