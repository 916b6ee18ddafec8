package io.tensorpool.discovery;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Index rules of Discovery §6 and the declaration rules of docs/DESIGN.md, without Aeron. */
class StreamIndexTest
{
    private static final long EXPIRY_NS = 3_000_000_000L;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
    private StreamIndex index;
    private FeedHandler driverA;
    private FeedHandler driverB;
    private long nowNs = 1_000_000_000L;

    @BeforeEach
    void setUp()
    {
        index = new StreamIndex(EXPIRY_NS, 16, 256, 256, 8);
        driverA = new FeedHandler(index, index.addDriver(new DriverFeed("A", "aeron:ipc", 1000, "aeron:ipc", 2001,
            null, 0)));
        driverB = new FeedHandler(index, index.addDriver(new DriverFeed("B", "aeron:udp?endpoint=b:1", 1000,
            "aeron:ipc", 3001, null, 0)));
    }

    private void feed(final FeedHandler handler, final int length)
    {
        handler.nowNs(nowNs);
        handler.onFragment(buffer, 0, length, null);
    }

    private List<IndexedStream> query(final DiscoveryQuery q)
    {
        final List<IndexedStream> out = new ArrayList<>();
        index.collect(q, nowNs, out, 1000);
        return out;
    }

    private Set<String> keys(final DiscoveryQuery q)
    {
        return query(q).stream().map((s) -> s.driver.feed.driverInstanceId() + ":" + s.streamId)
            .collect(Collectors.toSet());
    }

    @Test
    void announceIsIndexedPerDriverWithItsLayout()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverB, TestMessages.poolAnnounce(buffer, "B", 10, 88, 9, 32));

        assertEquals(Set.of("A:10", "B:10"), keys(DiscoveryQuery.all()));
        final IndexedStream a = query(DiscoveryQuery.builder().producerId(77).build()).get(0);
        assertEquals(5, a.epoch);
        assertEquals(64, a.headerNslots);
        assertEquals(256, a.headerSlotBytes);
        assertArrayEquals(new int[]{1, 2}, a.poolIds);
        assertArrayEquals(new int[]{4096, 65536}, a.poolStrideBytes);
        assertEquals(TestMessages.poolUri("A", 10, 5, 2), WireText.toString(a.poolRegionUris[1]));
        assertEquals(TestMessages.headerUri("A", 10, 5), WireText.toString(a.headerRegionUri));
    }

    @Test
    void newerEpochReplacesOlderIsDroppedWhileLive()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 78, 6, 128));
        IndexedStream s = query(DiscoveryQuery.all()).get(0);
        assertEquals(6, s.epoch);
        assertEquals(78, s.producerId);
        assertEquals(128, s.headerNslots);
        assertEquals(TestMessages.headerUri("A", 10, 6), WireText.toString(s.headerRegionUri));
        assertEquals(1, index.epochChanges());

        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        s = query(DiscoveryQuery.all()).get(0);
        assertEquals(6, s.epoch, "regressing epoch must not replace a live entry");
        assertEquals(1, index.epochRegressionsDropped());
    }

    @Test
    void regressedEpochIsAcceptedOnceTheOldEntryExpiredAsAfterADriverRestart()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 50, 64));
        nowNs += EXPIRY_NS + 1;
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 2, 64));
        assertEquals(2, query(DiscoveryQuery.all()).get(0).epoch);
    }

    @Test
    void entriesExpireWithoutAnnouncesAndComeBack()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        nowNs += EXPIRY_NS;
        assertEquals(1, index.visibleCount(nowNs), "still visible at exactly the window");
        nowNs += 1;
        assertEquals(0, index.visibleCount(nowNs));
        assertTrue(query(DiscoveryQuery.all()).isEmpty());
        assertEquals(1, index.expire(nowNs));
        assertEquals(1, index.entriesExpired());

        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        assertEquals(1, index.visibleCount(nowNs));
        assertEquals(TestMessages.headerUri("A", 10, 5), WireText.toString(query(DiscoveryQuery.all()).get(0)
            .headerRegionUri));
    }

    @Test
    void invalidAnnouncesAreRejectedWhole()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64, 32, 256));
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 11, 77, 5, 64, 64, 512));
        assertEquals(2, index.announcesRejected());
        assertEquals(0, index.visibleCount(nowNs));
    }

    @Test
    void declarationSuppliesNameTagsAndIdAndFiltersUseAndSemantics()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 11, 77, 5, 64));
        feed(driverB, TestMessages.poolAnnounce(buffer, "B", 10, 88, 1, 64));
        feed(driverA, TestMessages.sourceAnnounce(buffer, 10, 77, 5, "cam-left"));
        feed(driverA, TestMessages.declaration(buffer, 10, 42L, "Camera", "left", "left"));
        feed(driverA, TestMessages.sourceAnnounce(buffer, 11, 77, 5, "cam-right"));
        feed(driverA, TestMessages.declaration(buffer, 11, 43L, "Camera", "right"));
        feed(driverB, TestMessages.sourceAnnounce(buffer, 10, 88, 1, "cam-left"));
        feed(driverB, TestMessages.declaration(buffer, 10, null, "camera", "left"));

        final IndexedStream a10 = query(DiscoveryQuery.builder().dataSourceId(42).build()).get(0);
        assertEquals(2, a10.tags.length, "duplicate declared tags collapse");

        assertEquals(Set.of("A:10", "B:10"), keys(DiscoveryQuery.byName("cam-left")));
        assertEquals(Set.of("A:10", "A:11"), keys(DiscoveryQuery.byTags("Camera")));
        assertEquals(Set.of("B:10"), keys(DiscoveryQuery.byTags("camera")), "tags are case-sensitive");
        assertEquals(Set.of("A:10"), keys(DiscoveryQuery.builder().tags("Camera", "left", "Camera").build()));
        assertEquals(Set.of("A:11"), keys(DiscoveryQuery.builder().dataSourceId(43).tag("right").build()));
        assertEquals(Set.of(), keys(DiscoveryQuery.builder().dataSourceId(43).tag("left").build()));
        assertEquals(Set.of("A:10", "B:10"), keys(DiscoveryQuery.byStreamId(10)));
        assertEquals(Set.of("B:10"), keys(DiscoveryQuery.builder().streamId(10).producerId(88).build()));
        assertEquals(Set.of(), keys(DiscoveryQuery.byName("Cam-left")), "names compare byte for byte");
        assertEquals(Set.of(), keys(DiscoveryQuery.byName("cam-lef")));
    }

    @Test
    void namesAreKeptByteForByte()
    {
        final byte[] name = {'c', (byte)0xE9, 'l', 0x7F};
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverA, TestMessages.sourceAnnounce(buffer, 10, 77, 5, name));
        final String asString = new String(name, StandardCharsets.ISO_8859_1);
        assertArrayEquals(name, query(DiscoveryQuery.byName(asString)).get(0).dataSourceName);
    }

    @Test
    void metadataBeforeAnnounceIsKeptAndNewProducerEpochClearsOldTags()
    {
        feed(driverA, TestMessages.sourceAnnounce(buffer, 10, 77, 5, "early"));
        feed(driverA, TestMessages.declaration(buffer, 10, 1L, "t1"));
        assertEquals(0, index.visibleCount(nowNs), "no announce yet, nothing visible");
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        assertEquals(Set.of("A:10"), keys(DiscoveryQuery.builder().dataSourceName("early").tag("t1").build()));

        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 78, 6, 64));
        feed(driverA, TestMessages.sourceAnnounce(buffer, 10, 78, 6, "later"));
        final IndexedStream s = query(DiscoveryQuery.byName("later")).get(0);
        assertEquals(0, s.tags.length, "the new producer's tags arrive in its own DataSourceMeta");
        assertEquals(DiscoveryQuery.NULL_U64, s.dataSourceId);

        feed(driverA, TestMessages.sourceAnnounce(buffer, 10, 77, 5, "stale"));
        assertEquals(1, index.metadataStale());
        assertEquals(Set.of("A:10"), keys(DiscoveryQuery.byName("later")));
    }

    @Test
    void badDeclarationsAreRejectedAndCounted()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverA, TestMessages.declaration(buffer, 10, 7L, "ok"));
        final long before = index.metadataRejected();

        feed(driverA, TestMessages.sourceAnnounce(buffer, 10, 77, 5, "x".repeat(257)));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "data_source_id", "text/plain", "12a"));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "data_source_id", "text/plain", "18446744073709551615"));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "data_source_id", "text/plain", "99999999999999999999"));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "tag", "text/plain", ""));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "tag", "application/json", "\"x\""));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "tag", "text/plain", "t".repeat(257)));
        feed(driverA, TestMessages.declaration(buffer, 10, null, "1", "2", "3", "4", "5", "6", "7", "8", "9"));

        assertEquals(before + 8, index.metadataRejected());
        final IndexedStream s = query(DiscoveryQuery.all()).get(0);
        assertEquals(7, s.dataSourceId, "rejected declarations leave the previous one in place");
        assertTrue(s.hasTag("ok"));
        assertEquals(1, s.tags.length);
    }

    @Test
    void declarationEncoderIsWhatTheIndexReads()
    {
        final DataSourceDeclaration declaration = new DataSourceDeclaration("front-cam",
            List.of("rgb", "Front", "rgb"), java.util.OptionalLong.of(-2L));
        assertEquals(Set.of("rgb", "Front"), declaration.tags());
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverA, declaration.encodeAnnounce(buffer, 0, 10, 77, 5, 1, "uint8[480,640,3]"));
        feed(driverA, declaration.encodeMeta(buffer, 0, 10, 1, 99));
        final IndexedStream s = query(DiscoveryQuery.builder().dataSourceName("front-cam").tags("Front", "rgb")
            .dataSourceId(-2L).build()).get(0);
        assertEquals(2, s.tags.length);

        assertThrows(IllegalArgumentException.class, () -> new DataSourceDeclaration("x".repeat(257), List.of(),
            java.util.OptionalLong.empty()));
        assertThrows(IllegalArgumentException.class, () -> new DataSourceDeclaration("x", List.of(""),
            java.util.OptionalLong.empty()));
    }

    @Test
    void steadyStateRefreshesAllocateNothing()
    {
        final ExpandableArrayBuffer announce = new ExpandableArrayBuffer();
        final int announceLength = TestMessages.poolAnnounce(announce, "A", 10, 77, 5, 64);
        final ExpandableArrayBuffer meta = new ExpandableArrayBuffer();
        final int metaLength = TestMessages.declaration(meta, 10, 42L, "a", "b");
        final ExpandableArrayBuffer name = new ExpandableArrayBuffer();
        final int nameLength = TestMessages.sourceAnnounce(name, 10, 77, 5, "cam");
        driverA.nowNs(nowNs);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 20_000; i++)
            {
                driverA.onFragment(announce, 0, announceLength, null);
                driverA.onFragment(name, 0, nameLength, null);
                driverA.onFragment(meta, 0, metaLength, null);
            }
            allocated = threads.getThreadAllocatedBytes(threadId) - before;
        }
        // One object per message would be >= 960 KB; the measurement itself costs a few hundred bytes.
        assertTrue(allocated < 4096, "bytes allocated by 60k steady-state feed messages after warm-up: " +
            allocated);
        assertEquals(1, index.visibleCount(nowNs));
    }

    @Test
    void largestDataSourceIdParses()
    {
        feed(driverA, TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64));
        feed(driverA, TestMessages.sourceMeta(buffer, 10, "data_source_id", "", "18446744073709551614",
            "camera_serial", "text/plain", "ignored"));
        assertEquals(-2L, query(DiscoveryQuery.all()).get(0).dataSourceId);
    }

    @Test
    void malformedFragmentsAreCountedAndChangeNothing()
    {
        final int length = TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64);
        feed(driverA, length - 7);                       // truncated inside the header URI
        driverA.nowNs(nowNs);
        driverA.onFragment(buffer, 0, 5, null);           // shorter than a message header
        buffer.putShort(0, (short)36);                    // v1.2-style block length
        feed(driverA, length);
        assertEquals(3, driverA.malformedCount());
        assertEquals(0, index.visibleCount(nowNs));

        final int ok = TestMessages.poolAnnounce(buffer, "A", 10, 77, 5, 64);
        buffer.putInt(ok - TestMessages.headerUri("A", 10, 5).length() - 4, 0x7FFF_FFF0);  // lying URI length
        feed(driverA, ok);
        assertEquals(4, driverA.malformedCount());
        assertEquals(0, index.visibleCount(nowNs));
    }

    @Test
    void foreignSchemasAreSkipped()
    {
        final int length = TestMessages.request(buffer, 1, "aeron:ipc", 5, "");
        feed(driverA, length);
        assertEquals(1, driverA.foreignSchemaCount());
        assertEquals(0, driverA.malformedCount());
    }

    @Test
    void indexIsBoundedPerDriver()
    {
        for (int i = 0; i < 20; i++)
        {
            feed(driverA, TestMessages.poolAnnounce(buffer, "A", 100 + i, 1, 1, 8));
        }
        assertEquals(16, index.visibleCount(nowNs));
        assertEquals(4, index.capacityRejected());
    }
}
