package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmDetachResponseEncoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownEncoder;
import io.tensorpool.codecs.driver.ShmLeaseRevokedEncoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.driver.DriverResponseEncoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Client-side decoding rules: unknown enums rejected (Driver §4.9), newer versions rejected (§4.4a), announce rules. */
class DriverEventPollerTest
{
    private static final int BLOCK = 8;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final DriverResponseEncoder encoder = new DriverResponseEncoder();
    private final List<String> events = new ArrayList<>();
    private final DriverEventPoller poller = new DriverEventPoller(new DriverEventListener()
    {
        @Override
        public void onDetachResponse(final long correlationId, final ResponseCode code, final String errorMessage)
        {
            events.add("detach " + correlationId + " " + code + " " + errorMessage);
        }

        @Override
        public void onLeaseRevoked(
            final long timestampNs,
            final long leaseId,
            final int streamId,
            final int clientId,
            final Role role,
            final LeaseRevokeReason reason,
            final String errorMessage)
        {
            events.add("revoked " + leaseId + " " + streamId + " " + clientId + " " + role + " " + reason + " " +
                errorMessage);
        }

        @Override
        public void onDriverShutdown(final long timestampNs, final ShutdownReason reason, final String errorMessage)
        {
            events.add("shutdown " + reason + " " + errorMessage);
        }
    });

    private void deliver(final int length)
    {
        poller.onFragment(buffer, 0, length, null);
    }

    @Test
    void validNoticesAreDelivered()
    {
        deliver(encoder.leaseRevoked(buffer, 0, 1, 2, 3, 4, Role.CONSUMER, LeaseRevokeReason.REVOKED, "why"));
        deliver(encoder.driverShutdown(buffer, 0, 1, ShutdownReason.ERROR, "bye"));
        deliver(encoder.detachResponse(buffer, 0, 9, ResponseCode.REJECTED, "no"));
        assertEquals(List.of("revoked 2 3 4 CONSUMER REVOKED why", "shutdown ERROR bye", "detach 9 REJECTED no"),
            events);
        assertEquals(0, poller.malformedCount());
    }

    @Test
    void unknownEnumsWrongBlockLengthsAndNewerVersionsAreRejected()
    {
        int length = encoder.leaseRevoked(buffer, 0, 1, 2, 3, 4, Role.CONSUMER, LeaseRevokeReason.REVOKED, "");
        buffer.putByte(BLOCK + ShmLeaseRevokedEncoder.roleEncodingOffset(), (byte)9);
        deliver(length);
        length = encoder.leaseRevoked(buffer, 0, 1, 2, 3, 4, Role.CONSUMER, LeaseRevokeReason.REVOKED, "");
        buffer.putByte(BLOCK + ShmLeaseRevokedEncoder.reasonEncodingOffset(), (byte)0);
        deliver(length);
        length = encoder.driverShutdown(buffer, 0, 1, ShutdownReason.NORMAL, "");
        buffer.putByte(BLOCK + ShmDriverShutdownEncoder.reasonEncodingOffset(), (byte)7);
        deliver(length);
        length = encoder.detachResponse(buffer, 0, 1, ResponseCode.OK, "");
        buffer.putInt(BLOCK + ShmDetachResponseEncoder.codeEncodingOffset(), 42);
        deliver(length);
        length = encoder.leaseRevoked(buffer, 0, 1, 2, 3, 4, Role.CONSUMER, LeaseRevokeReason.REVOKED, "");
        buffer.putShort(0, (short)27);
        deliver(length);
        length = encoder.leaseRevoked(buffer, 0, 1, 2, 3, 4, Role.CONSUMER, LeaseRevokeReason.REVOKED, "");
        buffer.putInt(BLOCK + 26, 5000);
        deliver(length);
        assertEquals(6, poller.malformedCount(), "role, reason, shutdown reason, code, block length, overrun");

        length = encoder.driverShutdown(buffer, 0, 1, ShutdownReason.NORMAL, "");
        buffer.putShort(6, (short)2);
        deliver(length);
        assertEquals(1, poller.unsupportedVersionCount());
        assertTrue(events.isEmpty(), events.toString());
    }

    @Test
    void announcePollerDeliversNewLayoutsOnlyAndAppliesSoftStateRules()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(10_000_000_000L);
        final List<StreamLayout> seen = new ArrayList<>();
        final PoolAnnouncePoller announces = new PoolAnnouncePoller(7, (layout, producerId, ts) -> seen.add(layout),
            clock, 3_000_000_000L);
        final StreamLayout epoch2 = layout(2, 16);
        final StreamLayout epoch1 = layout(1, 16);

        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, epoch2, 5, clock.nanoTime()), null);
        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, epoch2, 5, clock.nanoTime()), null);
        assertEquals(List.of(epoch2), seen, "the same layout is delivered once");

        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, epoch1, 5, clock.nanoTime()), null);
        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, layout(3, 16), 5,
            clock.nanoTime() - 4_000_000_000L), null);
        assertEquals(1, seen.size(), "lower epoch and stale announce ignored");
        assertEquals(2, announces.staleCount());

        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, new StreamLayout(7, 3, 1, 16,
            "shm:file?path=/dev/shm/h", List.of(new PoolDescriptor(1, 8, 4096, "shm:file?path=/dev/shm/p"))), 5,
            clock.nanoTime()), null);
        assertEquals(1, announces.malformedCount(), "pool nslots != header nslots");
        assertNotNull(announces.lastError());

        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, layout(4, 16), 5, clock.nanoTime()), null);
        assertEquals(4, seen.get(seen.size() - 1).epoch());

        announces.onFragment(buffer, 0, encoder.poolAnnounce(buffer, 0, new StreamLayout(8, 9, 1, 16,
            "shm:file?path=/dev/shm/h", List.of(new PoolDescriptor(1, 16, 4096, "shm:file?path=/dev/shm/p"))), 5,
            clock.nanoTime()), null);
        assertEquals(2, seen.size(), "other streams are filtered out");
    }

    private static StreamLayout layout(final long epoch, final int nslots)
    {
        return new StreamLayout(7, epoch, 1, nslots, "shm:file?path=/dev/shm/e" + epoch + "/header.ring",
            List.of(new PoolDescriptor(1, nslots, 4096, "shm:file?path=/dev/shm/e" + epoch + "/payload-1.pool")));
    }
}
