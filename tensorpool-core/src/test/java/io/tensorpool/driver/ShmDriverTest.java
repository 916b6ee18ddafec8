package io.tensorpool.driver;

import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.DriverClientListener;
import io.tensorpool.driver.client.LeaseState;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static io.tensorpool.driver.DriverTestHarness.KEEPALIVE_NS;
import static io.tensorpool.driver.DriverTestHarness.STREAM;
import static org.junit.jupiter.api.Assertions.*;

class ShmDriverTest
{
    /** Records listener callbacks in order. */
    static final class Events implements DriverClientListener
    {
        final List<String> log = new ArrayList<>();
        DriverAttachment lastLayoutChange;
        ResponseCode lastFailure;
        String lastFailureMessage;

        @Override
        public void onAttached(final DriverAttachment attachment)
        {
            log.add("attached:" + attachment.epoch());
        }

        @Override
        public void onLayoutChanged(final DriverAttachment attachment)
        {
            lastLayoutChange = attachment;
            log.add("layout:" + attachment.epoch());
        }

        @Override
        public void onProducerRevoked(final int streamId, final long producerLeaseId)
        {
            log.add("producerRevoked");
        }

        @Override
        public void onLeaseLost(final String reason)
        {
            log.add("lost:" + reason);
        }

        @Override
        public void onAttachFailed(final ResponseCode code, final String message)
        {
            lastFailure = code;
            lastFailureMessage = message;
            log.add("failed:" + code);
        }

        @Override
        public void onDriverShutdown(final ShutdownReason reason, final String message)
        {
            log.add("shutdown:" + reason);
        }
    }

    @Test
    void bothRolesAttachKeepAliveAndDetach() throws Exception
    {
        try (DriverTestHarness h = new DriverTestHarness())
        {
            final Events consumerEvents = new Events();
            final DriverClient consumer = h.client(h.clientContext(STREAM, Role.CONSUMER, consumerEvents));
            final DriverClient producer = h.client(h.clientContext(STREAM, Role.PRODUCER, new Events()));
            h.attach(consumer);
            final long consumerEpoch = consumer.attachment().epoch();
            h.attach(producer);

            final DriverAttachment p = producer.attachment();
            assertEquals(STREAM, p.streamId());
            assertTrue(p.epoch() > consumerEpoch, "a producer attaching to a stream with no producer bumps the epoch");
            assertEquals(16, p.layout().headerNslots());
            assertEquals(2, p.layout().pools().size());
            assertEquals(h.driver.context().leaseDurationNs(), p.leaseExpiryTimestampNs() - h.clock.nanoTime());
            final Path epochDir = h.streamDirectory(STREAM).resolve("epoch-" + p.epoch());
            assertTrue(Files.isRegularFile(epochDir.resolve("header.ring")));
            assertTrue(Files.isRegularFile(epochDir.resolve("payload-2.pool")));
            assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(epochDir.resolve("header.ring"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(epochDir)));

            // The consumer follows the producer's epoch through the announce.
            h.pumpUntil("consumer sees producer epoch", () -> consumer.attachment().epoch() == p.epoch());
            try (StreamRegions writable = StreamRegionFiles.map(p.layout(), RegionPathPolicy.of(h.baseDir), true);
                StreamRegions readable = StreamRegionFiles.map(consumer.attachment().layout(),
                    RegionPathPolicy.of(h.baseDir), false))
            {
                assertEquals(p.epoch(), writable.epoch());
                assertEquals(p.epoch(), readable.epoch());
            }

            // Keepalives keep both leases alive well past the lease duration.
            for (int i = 0; i < 10; i++)
            {
                final long before = producer.keepalivesSent() + consumer.keepalivesSent();
                final long seen = h.driver.counters().keepalives();
                h.advance(KEEPALIVE_NS);
                h.pumpUntil("keepalives sent and received", () ->
                    producer.keepalivesSent() + consumer.keepalivesSent() >= before + 2 &&
                    h.driver.counters().keepalives() >= seen + 2);
            }
            assertEquals(2, h.driver.activeLeaseCount());
            assertEquals(0, h.driver.counters().leasesExpired());
            // The driver refreshes activity_timestamp_ns on behalf of the stream at the announce period.
            try (StreamRegions readable = StreamRegionFiles.map(consumer.attachment().layout(),
                RegionPathPolicy.of(h.baseDir), false))
            {
                final long announces = h.driver.counters().announces();
                h.advance(h.driver.context().announcePeriodNs());
                h.pumpUntil("periodic announce", () -> h.driver.counters().announces() > announces);
                assertEquals(h.clock.nanoTime(),
                    io.tensorpool.shm.Superblock.activityTimestampNs(readable.headerRing().buffer()));
                assertEquals(h.clock.nanoTime(),
                    io.tensorpool.shm.Superblock.activityTimestampNs(readable.pool(1).region().buffer()));
            }
            assertEquals(LeaseState.ATTACHED, producer.state());

            consumer.detach();
            producer.detach();
            h.pumpUntil("both detached", () -> consumer.state() == LeaseState.UNATTACHED &&
                producer.state() == LeaseState.UNATTACHED);
            assertEquals(0, h.driver.activeLeaseCount());
            assertEquals(2, h.driver.counters().detachOk());
            assertTrue(h.driver.currentEpoch(STREAM) > p.epoch(), "producer detach bumps the epoch");
        }
    }

    @Test
    void secondProducerIsRejected()
    {
        try (DriverTestHarness h = new DriverTestHarness())
        {
            final DriverClient first = h.client(h.clientContext(STREAM, Role.PRODUCER, new Events()));
            h.attach(first);
            final Events events = new Events();
            final DriverClient second = h.client(h.clientContext(STREAM, Role.PRODUCER, events));
            second.requestAttach();
            h.pumpUntil("second producer refused", () -> events.lastFailure != null);
            assertEquals(ResponseCode.REJECTED, events.lastFailure);
            assertTrue(events.lastFailureMessage.contains("already has a producer"), events.lastFailureMessage);
            assertEquals(LeaseState.BACKOFF, second.state());
            assertEquals(LeaseState.ATTACHED, first.state());
            assertEquals(1, h.driver.counters().attachRejected());
        }
    }

    @Test
    void producerLeaseExpiresRevokedBeforeEpochBumpedAnnounceAndConsumerRemaps()
    {
        try (DriverTestHarness h = new DriverTestHarness())
        {
            final Events consumerEvents = new Events();
            final DriverClient consumer = h.client(h.clientContext(STREAM, Role.CONSUMER, consumerEvents));
            final DriverClient.Context producerCtx = h.clientContext(STREAM, Role.PRODUCER, new Events())
                .autoReattach(false);
            final DriverClient producer = h.client(producerCtx);
            h.attach(producer);
            h.attach(consumer);
            final long producerLease = producer.attachment().leaseId();
            final long epoch = producer.attachment().epoch();
            assertEquals(epoch, consumer.attachment().epoch());

            // The producer stops sending keepalives (as if hung); only the consumer keeps its lease alive.
            h.clients.remove(producer);
            final int spyStart = h.spy.messages.size();
            for (int i = 0; i < 5 && h.driver.counters().leasesExpired() == 0; i++)
            {
                final long seen = h.driver.counters().keepalives();
                h.advance(KEEPALIVE_NS);
                h.pumpUntil("consumer keepalive", () -> h.driver.counters().keepalives() > seen);
            }
            assertEquals(1, h.driver.counters().leasesExpired());
            assertEquals(1, h.driver.activeLeaseCount());
            h.pumpUntil("consumer remapped", () -> consumer.attachment() != null &&
                consumer.attachment().epoch() > epoch);
            assertEquals(LeaseState.ATTACHED, consumer.state());
            assertTrue(consumerEvents.log.indexOf("producerRevoked") < consumerEvents.log.indexOf(
                "layout:" + consumer.attachment().epoch()), consumerEvents.log.toString());

            final int revoked = h.spy.indexOf(spyStart, m -> m.isRevoked() && m.revoked().leaseId() == producerLease);
            assertTrue(revoked >= 0, "ShmLeaseRevoked for the producer lease");
            assertEquals(LeaseRevokeReason.EXPIRED, h.spy.messages.get(revoked).revoked().reason());
            assertEquals(Role.PRODUCER, h.spy.messages.get(revoked).revoked().role());
            final int bumped = h.spy.indexOf(spyStart, m -> m.isAnnounce() && m.announce().epoch() > epoch);
            assertTrue(bumped > revoked, "revocation precedes the epoch-bumped announce");
            final ShmPoolAnnounceDecoder announce = h.spy.messages.get(bumped).announce();
            assertEquals(0, announce.producerId(), "no producer after expiry");
            assertEquals(STREAM, announce.streamId());

            try (StreamRegions regions = StreamRegionFiles.map(consumer.attachment().layout(),
                RegionPathPolicy.of(h.baseDir), false))
            {
                assertEquals(consumer.attachment().epoch(), regions.epoch());
            }

            // A new producer may attach and gets a higher epoch still.
            final DriverClient next = h.client(h.clientContext(STREAM, Role.PRODUCER, new Events()));
            h.attach(next);
            assertTrue(next.attachment().epoch() > consumer.attachment().epoch() ||
                next.attachment().epoch() > epoch);
            h.pumpUntil("consumer on the new producer's epoch", () ->
                consumer.attachment().epoch() == next.attachment().epoch());
        }
    }

    @Test
    void driverShutdownIsSeenByEveryClient()
    {
        try (DriverTestHarness h = new DriverTestHarness())
        {
            final Events producerEvents = new Events();
            final Events consumerEvents = new Events();
            final DriverClient producer = h.client(h.clientContext(STREAM, Role.PRODUCER, producerEvents));
            final DriverClient consumer = h.client(h.clientContext(STREAM, Role.CONSUMER, consumerEvents));
            h.attach(producer);
            h.attach(consumer);
            h.driver.close();
            h.driverRunning = false;
            h.pumpUntil("both saw the shutdown", () -> producerEvents.log.contains("shutdown:NORMAL") &&
                consumerEvents.log.contains("shutdown:NORMAL"));
            assertNull(producer.attachment());
            assertNull(consumer.attachment());
            assertEquals(LeaseState.BACKOFF, producer.state());
            assertEquals(LeaseState.BACKOFF, consumer.state());
            assertTrue(producerEvents.log.stream().anyMatch(s -> s.startsWith("lost:driver shutdown")));
        }
    }

    @Test
    void tokenCheckedShutdownRequestDrainsThenShutsDown()
    {
        try (DriverTestHarness h = new DriverTestHarness(ctx -> ctx.shutdownToken("s3cret")
            .shutdownTimeoutNs(KEEPALIVE_NS)))
        {
            final Events events = new Events();
            final DriverClient consumer = h.client(h.clientContext(STREAM, Role.CONSUMER, events));
            h.attach(consumer);
            try (RawRequests raw = new RawRequests(h))
            {
                raw.sendShutdown("wrong", ShutdownReason.ADMIN);
                h.pumpUntil("wrong token ignored", () -> h.driver.counters().shutdownRequestsRejected() == 1);
                raw.sendShutdown("", ShutdownReason.ADMIN);
                h.pumpUntil("missing token ignored", () -> h.driver.counters().shutdownRequestsRejected() == 2);
                assertFalse(h.driver.isTerminated());

                raw.sendShutdown("s3cret", ShutdownReason.ADMIN);
                // While draining, attaches are refused: the observable sign of the accepted request.
                final long probe = raw.sendAttach(STREAM, 77, Role.CONSUMER);
                final var response = raw.awaitAttachResponse(probe);
                assertEquals(ResponseCode.REJECTED, response.code());
                assertFalse(h.driver.isTerminated(), "drains for shutdown_timeout before the notice");
                h.advance(KEEPALIVE_NS);
                h.pumpUntil("terminated", h.driver::isTerminated);
                assertEquals(1, h.terminations);
                h.pumpUntil("client saw the shutdown", () -> events.log.contains("shutdown:ADMIN"));
            }
        }
    }

    @Test
    void embeddedDiscoveryDescribesTheDriversStreams()
    {
        try (DriverTestHarness h = new DriverTestHarness())
        {
            final DriverClient producer = h.client(h.clientContext(STREAM, Role.PRODUCER, new Events()));
            h.attach(producer);
            assertNotNull(h.driver.discoveryProvider());
            try (io.tensorpool.discovery.DiscoveryClient discovery = io.tensorpool.discovery.DiscoveryClient.connect(
                new io.tensorpool.discovery.DiscoveryClient.Context().aeron(h.aeron).responseStreamId(7777)))
            {
                final io.tensorpool.discovery.DiscoveryResult[] result = {null};
                discovery.submit(io.tensorpool.discovery.DiscoveryQuery.byStreamId(STREAM), r -> result[0] = r);
                h.pumpUntil("discovery answered", () ->
                {
                    discovery.poll();
                    return result[0] != null;
                });
                assertTrue(result[0].isOk(), String.valueOf(result[0]));
                assertEquals(1, result[0].streams().size());
                final io.tensorpool.discovery.DiscoveredStream stream = result[0].streams().get(0);
                assertEquals("test-driver", stream.driverInstanceId());
                assertEquals(producer.clientId(), stream.producerId());
                assertEquals(producer.attachment().epoch(), stream.epoch());
                assertEquals(1000, stream.driverControlStreamId());
            }
        }
    }
}
