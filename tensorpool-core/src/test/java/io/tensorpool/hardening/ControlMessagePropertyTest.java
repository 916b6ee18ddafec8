package io.tensorpool.hardening;

import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.FrameDescriptorDecoder;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import io.tensorpool.driver.client.PoolAnnouncePoller;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.StreamLayout;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.AlphaChars;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Property-based round trips of control messages through the project's encoders and the real pollers: whatever the
 * encoder writes, the poller delivers unchanged; any strict prefix of a message with var-length data is rejected as
 * malformed, never delivered.
 */
class ControlMessagePropertyTest
{
    private final WireMessageEncoder encoder = new WireMessageEncoder();
    private final Captured captured = new Captured();
    private final WirePoller poller = new WirePoller(null, captured, 3, "properties", false);

    @Property(tries = 300)
    void frameDescriptorRoundTrip(
        @ForAll final int streamId, @ForAll final long epoch, @ForAll final long seq,
        @ForAll final int headerIndex, @ForAll final long timestampNs, @ForAll final int metaVersion)
    {
        final int length = encoder.frameDescriptor(streamId, epoch, seq, headerIndex, timestampNs,
            metaVersion & 0xFFFF_FFFFL);
        deliver(encoder.buffer(), length);
        assertEquals(List.of(streamId & 0xFFFF_FFFFL, epoch, seq, headerIndex & 0xFFFF_FFFFL, timestampNs,
            metaVersion & 0xFFFF_FFFFL), captured.last);
    }

    @Property(tries = 300)
    void qosConsumerRoundTrip(
        @ForAll final int streamId, @ForAll final int consumerId, @ForAll final long epoch,
        @ForAll final long lastSeq, @ForAll final long gap, @ForAll final long late, @ForAll final boolean stream)
    {
        final Mode mode = stream ? Mode.STREAM : Mode.RATE_LIMITED;
        deliver(encoder.buffer(), encoder.qosConsumer(streamId, consumerId, epoch, lastSeq, gap, late, mode));
        assertEquals(List.of(streamId & 0xFFFF_FFFFL, consumerId & 0xFFFF_FFFFL, epoch, lastSeq, gap, late, mode),
            captured.last);
    }

    @Property(tries = 300)
    void dataSourceAnnounceRoundTripAndTruncation(
        @ForAll @StringLength(max = 200) @AlphaChars final String name,
        @ForAll @StringLength(max = 300) @AlphaChars final String summary,
        @ForAll @IntRange(min = 1, max = 40) final int cut)
    {
        final int length = encoder.dataSourceAnnounce(10000, 4, 9, 2, name, summary);
        deliver(encoder.buffer(), length);
        assertEquals(List.of(name, summary), captured.last);

        // a message cut anywhere is rejected and counted, never delivered with a short string
        final long malformed = poller.malformedCount();
        captured.last = null;
        poller.onFragment(encoder.buffer(), 0, Math.max(0, length - cut), null);
        assertEquals(null, captured.last);
        assertEquals(malformed + 1, poller.malformedCount());
    }

    @Provide
    Arbitrary<StreamLayout> layouts()
    {
        final Arbitrary<Integer> nslots = Arbitraries.of(1, 2, 8, 64, 1024);
        final Arbitrary<String> paths = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '.', '/')
            .ofMinLength(1).ofMaxLength(60).map(p -> "/dev/shm/" + p);
        return net.jqwik.api.Combinators.combine(Arbitraries.integers(), Arbitraries.longs(), nslots, paths,
            Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 4))
            .as((streamId, epoch, n, path, poolCount, strideUnit) ->
            {
                final List<PoolDescriptor> pools = new ArrayList<>();
                for (int i = 0; i < poolCount; i++)
                {
                    pools.add(new PoolDescriptor(i + 1, n, 4096 << (strideUnit + i),
                        RegionUri.format(path + "-" + i + ".pool", i % 2 == 1)));
                }
                return new StreamLayout(streamId, epoch, 1, n, RegionUri.format(path + ".ring", false), pools);
            });
    }

    /** Every valid layout survives encode -> ShmPoolAnnounce -> PoolAnnouncePoller unchanged (Wire §10.1.1). */
    @Property(tries = 300)
    void poolAnnounceRoundTrip(@ForAll("layouts") final StreamLayout layout, @ForAll final int producerId)
    {
        final StreamLayout[] delivered = new StreamLayout[1];
        final PoolAnnouncePoller announces = new PoolAnnouncePoller(PoolAnnouncePoller.ALL_STREAMS,
            (l, p, t) -> delivered[0] = l, () -> 1_000L, Long.MAX_VALUE / 4);
        final int length = encoder.shmPoolAnnounce(layout, producerId, 1_000L);
        announces.onFragment(encoder.buffer(), 0, length, null);
        assertNotNull(delivered[0], () -> "not delivered: " + announces.lastError());
        assertEquals(layout, delivered[0]);
        assertEquals(1, announces.handledCount());
    }

    @Property(tries = 100)
    void everyPrefixOfAnAnnounceIsRejected(
        @ForAll("layouts") final StreamLayout layout, @ForAll @Size(max = 0) final List<Integer> unused)
    {
        final int length = encoder.shmPoolAnnounce(layout, 1, 1_000L);
        for (int cut = 0; cut < length; cut++)
        {
            captured.last = null;
            poller.onFragment(encoder.buffer(), 0, cut, null);
            assertEquals(null, captured.last, "a " + cut + "-byte prefix of a " + length + "-byte announce");
        }
    }

    private void deliver(final MutableDirectBuffer buffer, final int length)
    {
        captured.last = null;
        final long handled = poller.handledCount();
        poller.onFragment(buffer, 0, length, null);
        assertEquals(handled + 1, poller.handledCount(), "message not handled");
        assertNotNull(captured.last);
    }

    private static final class Captured implements WireMessageListener
    {
        List<Object> last;

        @Override
        public void onFrameDescriptor(final FrameDescriptorDecoder d, final int source)
        {
            last = List.of(d.streamId(), d.epoch(), d.seq(), d.headerIndex(), d.timestampNs(), d.metaVersion());
        }

        @Override
        public void onQosConsumer(final QosConsumerDecoder d, final int source)
        {
            last = List.of(d.streamId(), d.consumerId(), d.epoch(), d.lastSeqSeen(), d.dropsGap(), d.dropsLate(),
                d.mode());
        }

        @Override
        public void onDataSourceAnnounce(final DataSourceAnnounceDecoder d, final int source)
        {
            last = List.of(d.name(), d.summary());
        }

        @Override
        public void onShmPoolAnnounce(final io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder d, final int source)
        {
            last = List.of(d.streamId());
        }
    }
}
