package io.tensorpool.discovery;

import io.tensorpool.codecs.discovery.DiscoveryResponseDecoder;
import io.tensorpool.codecs.discovery.DiscoveryStatus;
import io.tensorpool.codecs.discovery.MessageHeaderDecoder;
import io.tensorpool.testing.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.tensorpool.discovery.DiscoveryHarness.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A provider fed by two drivers, queried through a {@link DiscoveryClient} and with raw requests over a test media
 * driver; time is a controllable clock, never sleeps.
 */
class DiscoveryProviderTest
{
    private DiscoveryHarness h;

    @BeforeEach
    void setUp()
    {
        h = new DiscoveryHarness((ctx) -> {});
    }

    @AfterEach
    void tearDown()
    {
        h.close();
    }

    private static Set<String> keys(final DiscoveryResult result)
    {
        assertEquals(DiscoveryResult.Status.OK, result.status(), result::toString);
        return result.streams().stream()
            .map((s) -> s.driverInstanceId() + ":" + s.streamId())
            .collect(Collectors.toSet());
    }

    private void populate()
    {
        h.announceA(10, 101, 5);
        h.announceA(11, 102, 5);
        h.announceB(10, 201, 7);
        h.announceB(12, 202, 7);
        h.declare(h.aMetadata, 10, 101, 5, "cam-left", 1001L, "camera", "left", "Lab");
        h.declare(h.aMetadata, 11, 102, 5, "cam-right", 1002L, "camera", "right");
        h.declare(h.bMetadata, 10, 201, 7, "cam-left", 2001L, "camera", "left");
        h.declare(h.bMetadata, 12, 202, 7, "lidar", null, "LIDAR");
    }

    @Test
    void answersEveryFilterAndCombinationsAcrossTwoDrivers()
    {
        populate();
        assertEquals(Set.of("drv-a:10", "drv-a:11", "drv-b:10", "drv-b:12"), keys(h.query(DiscoveryQuery.all())));
        assertEquals(Set.of("drv-a:10", "drv-b:10"), keys(h.query(DiscoveryQuery.byStreamId(10))));
        assertEquals(Set.of("drv-b:12"), keys(h.query(DiscoveryQuery.builder().producerId(202).build())));
        assertEquals(Set.of("drv-a:11"), keys(h.query(DiscoveryQuery.builder().dataSourceId(1002).build())));
        assertEquals(Set.of("drv-a:10", "drv-b:10"), keys(h.query(DiscoveryQuery.byName("cam-left"))));
        assertEquals(Set.of("drv-a:10", "drv-a:11", "drv-b:10"), keys(h.query(DiscoveryQuery.byTags("camera"))));
        assertEquals(Set.of("drv-a:10", "drv-b:10"), keys(h.query(DiscoveryQuery.byTags("camera", "left"))));
        assertEquals(Set.of("drv-a:10"), keys(h.query(DiscoveryQuery.byTags("Lab", "left", "Lab"))));
        assertEquals(Set.of(), keys(h.query(DiscoveryQuery.byTags("lab"))), "tags are case-sensitive");
        assertEquals(Set.of(), keys(h.query(DiscoveryQuery.byName("CAM-LEFT"))), "names are byte-exact");
        assertEquals(Set.of("drv-b:10"), keys(h.query(DiscoveryQuery.builder()
            .streamId(10).producerId(201).dataSourceName("cam-left").tag("camera").build())));
        assertEquals(Set.of(), keys(h.query(DiscoveryQuery.builder().streamId(10).producerId(102).build())),
            "AND semantics");

        final DiscoveryResult none = h.query(DiscoveryQuery.byStreamId(99));
        assertEquals(DiscoveryResult.Status.OK, none.status(), "no match answers OK with zero results");
        assertFalse(none.wasNotFound());
        assertTrue(none.streams().isEmpty());
    }

    @Test
    void resultsCarryLayoutMetadataAndTheAuthorityOfTheirDriver()
    {
        populate();
        final DiscoveredStream a = h.query(DiscoveryQuery.builder().streamId(10).producerId(101).build())
            .streams().get(0);
        assertEquals(5, a.epoch());
        assertEquals(1, a.layoutVersion());
        assertEquals(64, a.headerNslots());
        assertEquals(256, a.headerSlotBytes());
        assertEquals(8, a.maxDims());
        assertEquals(TestMessages.headerUri("drv-a", 10, 5), a.headerRegionUri());
        assertEquals(List.of(
            new DiscoveredPool(1, TestMessages.poolUri("drv-a", 10, 5, 1), 64, 4096),
            new DiscoveredPool(2, TestMessages.poolUri("drv-a", 10, 5, 2), 64, 65536)), a.pools());
        assertEquals(1001L, a.dataSourceId().getAsLong());
        assertEquals("cam-left", a.dataSourceName());
        assertEquals(Set.of("camera", "left", "Lab"), a.tags(), "full tag set, not only the requested ones");
        assertEquals("drv-a", a.driverInstanceId());
        assertEquals("aeron:ipc?term-length=4m", a.driverControlChannel());
        assertEquals(1000, a.driverControlStreamId());

        final DiscoveredStream b = h.query(DiscoveryQuery.byName("lidar")).streams().get(0);
        assertEquals("drv-b", b.driverInstanceId());
        assertEquals(B_CONTROL, b.driverControlChannel());
        assertEquals(1001, b.driverControlStreamId());
        assertTrue(b.dataSourceId().isEmpty());
        assertEquals(Set.of("LIDAR"), b.tags());
    }

    @Test
    void streamAppearsAndDisappearsWithItsAnnounces()
    {
        assertEquals(Set.of(), keys(h.query(DiscoveryQuery.all())));
        h.announceA(10, 101, 5);
        assertEquals(Set.of("drv-a:10"), keys(h.query(DiscoveryQuery.all())));

        h.clock.advance(2 * ANNOUNCE_PERIOD_NS);
        h.announceB(12, 202, 7);
        assertEquals(Set.of("drv-a:10", "drv-b:12"), keys(h.query(DiscoveryQuery.all())));

        h.clock.advance(ANNOUNCE_PERIOD_NS + 1);   // drv-a:10 silent for 3 periods + 1 ns
        assertEquals(Set.of("drv-b:12"), keys(h.query(DiscoveryQuery.all())));
        Await.until("expiry swept", () -> h.provider.index().entriesExpired() == 1, h::step);

        h.announceA(10, 101, 5);
        assertEquals(Set.of("drv-a:10", "drv-b:12"), keys(h.query(DiscoveryQuery.all())));
    }

    @Test
    void epochChangeIsVisibleAndOlderEpochsAreIgnored()
    {
        h.announceA(10, 101, 5);
        assertEquals(5, h.query(DiscoveryQuery.all()).streams().get(0).epoch());
        h.announceA(10, 103, 6);
        final DiscoveredStream s = h.query(DiscoveryQuery.all()).streams().get(0);
        assertEquals(6, s.epoch());
        assertEquals(103, s.producerId());
        assertEquals(TestMessages.headerUri("drv-a", 10, 6), s.headerRegionUri());
        h.announceA(10, 101, 5);
        assertEquals(6, h.query(DiscoveryQuery.all()).streams().get(0).epoch());
        assertEquals(1, h.provider.index().epochRegressionsDropped());
    }

    @Test
    void emptyResponseChannelAndZeroStreamIdAreDroppedWithoutResponse()
    {
        h.announceA(10, 101, 5);
        h.sendRaw(TestMessages.request(h.buffer, 1, "", RAW_RESPONSE_STREAM, ""));
        h.sendRaw(TestMessages.request(h.buffer, 2, CHANNEL, 0, ""));
        assertEquals(1, h.provider.requestsDroppedEmptyChannel());
        assertEquals(1, h.provider.requestsDroppedZeroStreamId());

        h.sendRaw(TestMessages.request(h.buffer, 3, CHANNEL, RAW_RESPONSE_STREAM, ""));
        Await.until("valid raw request answered", () -> !h.rawReceived.isEmpty(), h::step);
        for (int i = 0; i < 100; i++)
        {
            h.step();
        }
        assertEquals(1, h.rawReceived.size(), "only the valid request got a response");
        final DiscoveryResponseDecoder response = decode(h.rawReceived.get(0));
        assertEquals(3, response.requestId());
        assertEquals(DiscoveryStatus.OK, response.status());
        assertEquals(1, response.results().count());
        assertEquals(0, h.provider.responsesFailed());
    }

    @Test
    void oversizedFieldsAnswerErrorWithoutResultsAndTheProviderKeepsServing()
    {
        h.announceA(10, 101, 5);
        h.sendRaw(TestMessages.request(h.buffer, 41, CHANNEL, RAW_RESPONSE_STREAM, "n".repeat(257)));
        h.sendRaw(TestMessages.request(h.buffer, 42, CHANNEL, RAW_RESPONSE_STREAM, "", "t".repeat(257)));
        h.sendRaw(TestMessages.request(h.buffer, 43, CHANNEL, RAW_RESPONSE_STREAM, "", "ok", ""));
        Await.until("three error responses", () -> h.rawReceived.size() == 3, h::step);

        final String[] expected = {
            "dataSourceName of 257 bytes exceeds the limit of 256",
            "tag of 257 bytes exceeds the limit of 256",
            "empty tag in request"};
        for (int i = 0; i < 3; i++)
        {
            final DiscoveryResponseDecoder response = decode(h.rawReceived.get(i));
            assertEquals(41 + i, response.requestId(), "responses echo request ids in order");
            assertEquals(DiscoveryStatus.ERROR, response.status());
            assertEquals(0, response.results().count(), "ERROR carries no results");
            assertEquals(expected[i], response.errorMessage());
        }
        assertEquals(3, h.provider.errorResponses());
        assertEquals(Set.of("drv-a:10"), keys(h.query(DiscoveryQuery.all())));
    }

    @Test
    void malformedAndForeignFragmentsOnTheRequestStreamAreSkipped()
    {
        h.announceA(10, 101, 5);
        final int length = TestMessages.request(h.buffer, 50, CHANNEL, RAW_RESPONSE_STREAM, "name");
        h.sendRaw(length - 3);                                  // truncated data field
        h.buffer.putShort(0, (short)40);                        // wrong block length
        h.sendRaw(length);
        TestMessages.request(h.buffer, 51, CHANNEL, RAW_RESPONSE_STREAM, "");
        h.buffer.putShort(6, (short)2);                         // unsupported schema version
        h.sendRaw(length);
        TestMessages.request(h.buffer, 52, CHANNEL, RAW_RESPONSE_STREAM, "");
        h.buffer.putInt(8 + 32 + 4, 0x7FFF_FFFF);               // lying response channel length
        h.sendRaw(length);
        h.sendRaw(TestMessages.poolAnnounce(h.buffer, "x", 1, 1, 1, 8));   // schema 900 on the request stream
        h.sendRaw(TestMessages.sourceMeta(h.buffer, 1));

        assertEquals(3, h.provider.requestsMalformed());
        assertEquals(1, h.provider.requestsUnsupportedVersion());
        assertEquals(2, h.provider.requestStreamForeignSchema());
        assertEquals(Set.of("drv-a:10"), keys(h.query(DiscoveryQuery.all())));
        assertTrue(h.rawReceived.isEmpty(), "nothing answered a malformed request");
    }

    @Test
    void unusableResponseChannelsAreCountedAndTheProviderKeepsServing()
    {
        h.announceA(10, 101, 5);
        h.sendRaw(TestMessages.request(h.buffer, 60, "not-an-aeron-uri", RAW_RESPONSE_STREAM, ""));
        h.sendRaw(TestMessages.request(h.buffer, 61, "aeron:ipc?" + "x".repeat(4100), RAW_RESPONSE_STREAM, ""));
        Await.until("bad channel given up", () ->
            h.provider.responsesFailed() + h.provider.requestsDroppedUnroutable() == 2, h::step);
        assertEquals(1, h.provider.requestsDroppedUnroutable(), "the over-long channel is never registered");
        assertEquals(Set.of("drv-a:10"), keys(h.query(DiscoveryQuery.all())));
    }

    @Test
    void clientsSharingAResponseStreamEachGetTheirOwnAnswer()
    {
        populate();
        try (DiscoveryClient other = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(h.aeron).requestChannel(CHANNEL).requestStreamId(REQUEST_STREAM)
            .responseChannel(CHANNEL).responseStreamId(RESPONSE_STREAM)))
        {
            final DiscoveryResult[] mine = new DiscoveryResult[1];
            final DiscoveryResult[] theirs = new DiscoveryResult[1];
            h.client.submit(DiscoveryQuery.byName("lidar"), (r) -> mine[0] = r);
            other.submit(DiscoveryQuery.byTags("right"), (r) -> theirs[0] = r);
            Await.until("both answered", () -> null != mine[0] && null != theirs[0], () ->
            {
                h.step();
                other.poll();
            });
            assertEquals(Set.of("drv-b:12"), keys(mine[0]));
            assertEquals(Set.of("drv-a:11"), keys(theirs[0]));
            // Each client sees the other's response on the shared stream and drops it.
            Await.until("both dropped the other's response",
                () -> h.client.unknownRequestIds() == 1 && other.unknownRequestIds() == 1, () ->
                {
                    h.step();
                    other.poll();
                });
        }
    }

    @Test
    void malformedFeedMessagesDoNotDisturbTheIndex()
    {
        h.announceA(10, 101, 5);
        final int length = TestMessages.poolAnnounce(h.buffer, "drv-a", 11, 1, 1, 8);
        h.publish(h.aAnnounce, length - 10);
        h.publish(h.aAnnounce, TestMessages.poolAnnounce(h.buffer, "drv-a", 12, 1, 1, 8, 16, 256));
        assertEquals(1, h.provider.feedMalformed());
        assertEquals(1, h.provider.index().announcesRejected());
        assertEquals(Set.of("drv-a:10"), keys(h.query(DiscoveryQuery.all())));
    }

    private static DiscoveryResponseDecoder decode(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        assertEquals(910, header.schemaId());
        assertEquals(2, header.templateId());
        return new DiscoveryResponseDecoder().wrap(buffer, 8, header.blockLength(), header.version());
    }
}
